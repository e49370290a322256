import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// The tool's commands that work on plain PostgreSQL: help, bad input, setup, load, demo.
@Suite("citus-verify: help, bad input, setup, load and demo", .serialized, .exclusiveCluster)
struct ToolBasicsTests {
    @Test("Every command's --help shows usage and examples", arguments: ["setup", "load", "reshard", "demo", "stats"])
    func help(_ command: String) throws {
        let run = try citusVerify(command, "--help")
        #expect(run.status == 0, "\(run)")
        #expect(run.output.contains("USAGE: citus-verify \(command)"), "\(run)")
        #expect(run.output.contains("Examples:"), "\(run)")
    }

    @Test(
        "Every command that prints results takes --json",
        arguments: ["preflight", "setup", "load", "reshard", "demo", "stats", "bench", "signoff", "mutate"])
    func jsonEverywhere(_ command: String) throws {
        let run = try citusVerify(command, "--help")
        #expect(run.status == 0 && run.output.contains("--json"), "\(run)")
    }

    @Test("--version names the tool's version and what it was tested on")
    func version() throws {
        let run = try citusVerify("--version")
        #expect(run.status == 0, "\(run)")
        #expect(run.output.trimmingCharacters(in: .whitespacesAndNewlines) == TestedVersions.summary, "\(run)")
        for pair in TestedVersions.pairs {
            #expect(run.output.contains("Citus \(pair.citus)") && run.output.contains(pair.postgres), "\(run)")
        }
    }

    @Test(
        "Bad arguments exit non-zero with a usage message naming the problem",
        arguments: [
            ["reshard", "frobnicate"], ["demo", "everything"], ["load", "--connections", "0"],
            ["setup", "--scale", "0"], ["reshard", "rebalance", "--tenant", "3"], ["stats", "--bogus"],
        ])
    func badArguments(_ arguments: [String]) throws {
        let run = try citusVerifyArray(arguments)
        #expect(run.status == 64, "\(run)")
        #expect(run.errorOutput.contains("Usage: citus-verify") || run.errorOutput.contains("USAGE:"), "\(run)")
        #expect(run.errorOutput.contains("Error:"), "\(run)")
    }

    @Test("A malformed setting is a one-line error naming the variable, with no stack trace")
    func badEnvironment() throws {
        let run = try citusVerify("stats", environment: ["CITUS_COORDINATOR": "localhost"])
        #expect(run.status == 1, "\(run)")
        #expect(run.errorOutput.hasPrefix("Error: CITUS_COORDINATOR is 'localhost': expected host:port"), "\(run)")
        #expect(run.errorOutput.split(separator: "\n").count == 1, "\(run)")
        #expect(run.output.isEmpty, "\(run)")
    }

    @Test(
        "setup creates the base tables and the seed data the generator says, for the seed and scale given",
        .proves(.npmSetup))
    func setup() throws {
        let run = try citusVerify("setup", "--seed", "7", "--scale", "2")
        #expect(run.status == 0, "\(run)")
        let cluster = try Cluster.shared()
        let expected = SeedData(seed: 7, scale: 2)
        #expect(try cluster.checksums() == expected.expectedChecksums, "every table holds the rows of seed 7, scale 2")
        #expect(try !cluster.hasExtension("citus"), "setup leaves Citus for enable-citus")
        #expect(run.output.contains("\(expected.orders.count) orders"), "\(run)")
        Evidence.note(
            """
            citus-verify setup --seed 7 --scale 2: \(expected.orders.count) orders, \(expected.items.count) \
            items, as generated
            """
        )
    }

    @Test(
        "load --duration 2 writes orders from several connections, and every acknowledged one is there afterwards",
        .proves(.npmLoad))
    func load() throws {
        let cluster = try Cluster.shared()
        let before = try cluster.coordinator.value("SELECT count(*) FROM orders", as: Int.self)
        let ledger = FileManager.default.temporaryDirectory.appendingPathComponent(
            "citus-verify-ledger-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: ledger) }
        let run = try citusVerify("load", "--duration", "2", "--connections", "3", "--json", "--ledger", ledger.path)
        #expect(run.status == 0, "\(run)")
        let report = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
        let committed = try #require(report?["committed"] as? Int, "\(run)")
        #expect(committed > 0)
        #expect(run.errorOutput.contains("orders/s"), "live progress on standard error: \(run)")

        let acknowledged = try String(contentsOf: ledger, encoding: .utf8).split(separator: "\n").dropFirst().map {
            line in
            line.split(separator: ",").map { Int($0)! }
        }
        #expect(acknowledged.count == committed)
        let found = try cluster.coordinator.rows(
            """
            SELECT o.id, o.user_id, (o.amount * 100)::bigint AS cents, count(i.id) AS items
            FROM orders o JOIN order_items i ON i.user_id = o.user_id AND i.order_id = o.id
            WHERE o.id = ANY($1::bigint[]) GROUP BY o.id, o.user_id, o.amount ORDER BY o.id
            """, [acknowledged.map { $0[0] }]
        ).map { row in
            [
                try row.get("id", as: Int.self), try row.get("user_id", as: Int.self),
                try row.get("cents", as: Int.self), try row.get("items", as: Int.self),
            ]
        }
        #expect(
            found == acknowledged.sorted { $0[0] < $1[0] },
            "every acknowledged order, with its tenant, amount and items")
        #expect(
            try cluster.coordinator.value("SELECT count(*) FROM orders", as: Int.self) == before + committed,
            "no order nobody acknowledged")
        Evidence.note("citus-verify load --duration 2 -c 3: \(committed) orders acknowledged, every one found")
    }

    @Test("load until Ctrl-C: the interrupt stops it cleanly, with the summary and exit status 0", .proves(.npmLoad))
    func loadUntilInterrupted() throws {
        let cluster = try Cluster.shared()
        let before = try cluster.coordinator.value("SELECT count(*) FROM orders", as: Int.self)
        let run = try citusVerifyArray(
            ["load", "--connections", "2", "--json"], timeLimit: .seconds(60), interruptAfter: .milliseconds(1500))
        #expect(run.status == 0 && !run.killedBySignal, "\(run)")
        #expect(run.errorOutput.contains("interrupted: finishing the transactions in flight"), "\(run)")
        let report = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
        let committed = try #require(report?["committed"] as? Int, "\(run)")
        #expect(committed > 0)
        #expect(
            try cluster.coordinator.value("SELECT count(*) FROM orders", as: Int.self) == before + committed,
            "every order the summary counts is there, and no other")
        Evidence.note("citus-verify load, Ctrl-C after 1.5 s: \(committed) orders acknowledged, all there")
    }

    @Test("demo single-shard on plain tables shows the tenant's orders, planned by PostgreSQL alone", .proves(.npmDemo))
    func demoOnPlainTables() throws {
        let cluster = try Cluster.shared()
        let (tenant, orders) = try cluster.heaviestTenant()
        let run = try citusVerify("demo", "single-shard", "--rows", "1000")
        #expect(run.status == 0, "\(run)")
        #expect(run.output.contains("WHERE user_id = \(tenant)"), "\(run)")
        #expect(run.output.contains("plan: PostgreSQL alone"), "\(run)")
        let rowsShown = run.output.split(separator: "\n").filter { $0.hasPrefix("   ") && $0.contains(" \(tenant) ") }
            .count
        #expect(rowsShown == orders, "one line per order of tenant \(tenant)")
    }

    @Test("stats where Citus is not enabled says so and fails")
    func statsWithoutCitus() throws {
        let run = try citusVerify("stats")
        #expect(run.status == 1, "\(run)")
        #expect(run.errorOutput.contains("Citus is not enabled"), "\(run)")
    }
}
