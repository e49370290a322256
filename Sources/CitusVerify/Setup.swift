import ArgumentParser
import ClusterFixtures

/// `citus-verify setup`: the Phase 1 baseline, from scratch.
struct Setup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Create the base tables and load the seed data (drops and recreates the suite's database on every node).",
        discussion: """
            Runs sql/setup/00_create_base_table.sql and 01_initial_seed_data.sql, then generates users, orders \
            and order items from the seed and loads them with COPY. Needs CITUS_VERIFY_RESET=allow: the \
            database named by CITUS_DATABASE is dropped and recreated on every node.

            Examples:
              citus-verify setup
              citus-verify setup --scale 10 --seed 7
              citus-verify setup --json
            """
    )

    @Option(
        help: "Multiplies users and orders (1 = 1,000 users and 10,000 orders). Default: CITUS_VERIFY_SCALE, else 1.")
    var scale: Int?

    @Option(help: "Seed of the generated rows; the same seed gives the same rows. Default: CITUS_VERIFY_SEED, else 42.")
    var seed: UInt64?

    @Flag(help: "Print the result as JSON (tables, rows, checksums) instead of a table.")
    var json = false

    /// What --json prints.
    struct Output: Encodable {
        struct Table: Encodable { var table: String, rows: Int, checksum: String }
        var database: String, seed: UInt64, scale: Int, seconds: Double, tables: [Table]
    }

    func validate() throws {
        if let scale, !(1...ClusterConfiguration.maximumScale).contains(scale) {
            throw ValidationError("--scale must be from 1 to \(ClusterConfiguration.maximumScale), got \(scale)")
        }
    }

    func run() throws {
        let cluster = try ClusterAccess.open()
        let clock = ContinuousClock()
        var result: (Baseline, SeedData)?
        let elapsed = try clock.measure {
            result = try cluster.lifecycle.resetToBaseline(seed: seed, scale: scale, loader: .copy)
        }
        guard let (baseline, data) = result else { return }
        if json {
            return print(
                try JSONOutput.encode(
                    Output(
                        database: cluster.configuration.database, seed: baseline.seed, scale: baseline.scale,
                        seconds: elapsed.seconds,
                        tables: baseline.checksums.map {
                            .init(table: $0.table, rows: $0.rowCount, checksum: $0.digest)
                        })))
        }
        print(
            """
            setup: database \(cluster.configuration.database) rebuilt on \
            \(1 + cluster.configuration.workers.count) nodes in \(String(format: "%.1f s", elapsed.seconds))
            """
        )
        print(
            """
            seed \(baseline.seed), scale \(baseline.scale): \(baseline.checksum(of: "regions")?.rowCount ?? 0) \
            regions, \(data.users.count) users, \(data.orders.count) orders, \(data.items.count) order items
            """
        )
        print(
            TextTable(
                header: ["table", "rows", "checksum"],
                rows: baseline.checksums.map { [$0.table, String($0.rowCount), $0.digest] }
            ).render())
    }
}
