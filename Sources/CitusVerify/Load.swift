import ArgumentParser
import ClusterFixtures
import Foundation

/// `citus-verify load`: the continuous data generator.
struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Insert orders and their items continuously, from several connections, and report throughput and latency.",
        discussion: """
            Each order is one transaction: a row in orders and one to three in order_items, for an existing \
            user, with the seed's skew (80% of orders from a fifth of the users). Progress is printed every \
            second; Ctrl-C stops cleanly and prints the summary. The exit status is non-zero when no order \
            could be written. Latency percentiles come from an HDR histogram (constant memory); with --rate \
            each transaction's latency counts from when it was due, so a stall shows in every transaction \
            queued behind it. Memory stays bounded unless --ledger asks for every acknowledged order.

            Examples:
              citus-verify load --duration 10
              citus-verify load --connections 8 --rate 500 --duration 60
              citus-verify load --json --duration 5
            """
    )

    @Option(name: .shortAndLong, help: "Concurrent connections, each writing one order at a time.")
    var connections = 4

    @Option(help: "Orders per second over all connections; omit to write as fast as the cluster takes them.")
    var rate: Double?

    @Option(help: "Seconds to run; omit to run until Ctrl-C.")
    var duration: Double?

    @Option(help: "Seed of the orders written.")
    var seed: UInt64 = 1

    @Flag(help: "Print the final report as JSON (progress lines still go to standard error).")
    var json = false

    @Option(
        help:
            """
            Write every acknowledged order to this CSV file (id,user_id,amount_cents,items), to check afterwards \
            that each is there.
            """
    )
    var ledger: String?

    func validate() throws {
        guard (1...256).contains(connections) else {
            throw ValidationError("--connections must be from 1 to 256, got \(connections)")
        }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be above 0, got \(rate)") }
        if let duration, !(duration > 0) {
            throw ValidationError("--duration must be above 0 seconds, got \(duration)")
        }
        if let ledger {
            let folder = URL(fileURLWithPath: ledger).deletingLastPathComponent().path
            guard FileManager.default.isWritableFile(atPath: folder) else {
                throw ValidationError("--ledger \(ledger): the folder \(folder) does not exist or is not writable")
            }
        }
    }

    func run() throws {
        let cluster = try ClusterAccess.open()
        var options = LoadGenerator.Options(connections: connections, rate: rate, duration: duration, seed: seed)
        // Without --ledger nothing needs every acknowledged order: memory stays bounded.
        options.keepsLedger = ledger != nil
        let generator = LoadGenerator(cluster: cluster, options: options)
        let interrupt = InterruptHandler { generator.stop() }
        defer { interrupt.cancel() }
        var last = LoadProgress(seconds: 0, committed: 0, errors: 0)
        let report = try generator.run { progress in
            let window = progress.seconds - last.seconds
            let rate = window > 0 ? Double(progress.committed - last.committed) / window : 0
            FileHandle.standardError.write(
                String(
                    format: "load: %6.1f s  %8d orders  %7.0f orders/s  %d errors\n",
                    progress.seconds, progress.committed, rate, progress.errors
                ).data(using: .utf8)!)
            last = progress
        }
        if let ledger {
            let lines =
                ["id,user_id,amount_cents,items"]
                + report.acknowledged.sorted { $0.id < $1.id }.map {
                    "\($0.id),\($0.userID),\($0.amountCents),\($0.items.count)"
                }
            do {
                try (lines.joined(separator: "\n") + "\n").write(toFile: ledger, atomically: true, encoding: .utf8)
            } catch {
                throw ValidationError("--ledger \(ledger): cannot write the file (\(error.localizedDescription))")
            }
        }
        if json {
            print(try report.jsonSummary())
        } else {
            print("load: " + report.summary)
            if !report.errorsBySQLState.isEmpty {
                let rows: [[String]] = report.errorsBySQLState.sorted { $0.key < $1.key }.map {
                    [$0.key, String($0.value)]
                }
                print(TextTable(header: ["SQLSTATE", "errors"], rows: rows).render())
            }
        }
        if report.committed == 0 { throw ExitCode.failure }
    }
}

extension LoadReport {
    /// The figures a machine wants, without the list of acknowledged orders.
    func jsonSummary() throws -> String {
        struct Summary: Encodable {
            var seconds: Double, connections: Int, committed: Int, ordersPerSecond: Double
            var errorsBySQLState: [String: Int], inDoubt: Int, latencyMilliseconds: LatencySummary
        }
        let summary = Summary(
            seconds: seconds, connections: connections, committed: committed, ordersPerSecond: ordersPerSecond,
            errorsBySQLState: errorsBySQLState, inDoubt: inDoubt, latencyMilliseconds: latency)
        return try JSONOutput.encode(summary)
    }
}
