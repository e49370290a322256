import ClusterFixtures
import ClusterTesting
import Foundation
import Reports
import Testing

/// The performance report has every measurement it promises. Its numbers are reported, never
/// judged: no threshold on any of them.
@Suite(
    "Benchmark report: every stage, query, operation and anchor measured", .serialized, .requiresCitus,
    .exclusiveCluster,
    .proves(.performanceMetrics))
struct BenchmarkReportTests {
    @Test(
        """
        A short benchmark run measures the five demo queries in four stages, six operations, four anchors, where \
        the writers' and the seed load's time goes, and the writers' availability (normal and under a fault), and \
        renders them
        """
    )
    func report() throws {
        let cluster = try Cluster.shared()
        let report = try LifecycleBenchmark(cluster: cluster, options: .init(samples: 3, loadSeconds: 1)).run()

        let c = cluster.configuration
        #expect(
            report.stages == [
                "plain tables", "distributed, \(c.initialWorkers.count) workers",
                "rebalanced, \(c.workers.count) workers", "undistributed",
            ])
        #expect(report.queryNames == LifecycleBenchmark.queries.map(\.name))
        for query in report.queries {
            #expect(query.latency.count >= 1 && query.latency.p50 > 0, "\(query.stage): \(query.query)")
        }
        #expect(
            report.operations.map(\.operation) == [
                "setup: base tables and seed data", "distribute (Phase 2)", "add worker",
                "rebalance onto \(c.workers.count) workers", "isolate tenant", "drain \(c.drainedWorker.name)",
                "undistribute (Phase 4)",
            ])
        #expect(report.operations.allSatisfy { $0.seconds > 0 })
        #expect(
            report.anchors.map(\.referenceTool) == ["psql \\copy", "01_initial_seed_data.sql", "pgbench", "pgbench"],
            "both references measured: psql and pgbench must be installed beside the server")
        #expect(report.anchors.allSatisfy { $0.ours > 0 && $0.reference > 0 })
        let mixes = [
            "new orders", "lifecycle mix (\(Int(LoadGenerator.Options.ledger(seed: 0).updateShare * 100))% updates)",
        ]
        #expect(report.anchors.suffix(2).map(\.name) == mixes.map { "\($0): transactions/s, 4 clients" })

        // Where a writer transaction's time goes: each mix, each side, runs taking turns. pgbench's
        // new order is its script's four statements; ours sends BEGIN with the order's INSERT, so
        // three exchanges and the few Parse messages of statements prepared once per connection.
        let breakdown = report.loadBreakdown
        #expect(breakdown.map(\.mix) == mixes.flatMap { [$0, $0] })
        #expect(breakdown.map(\.tool) == ["citus-verify load", "pgbench", "citus-verify load", "pgbench"])
        #expect(breakdown.allSatisfy { $0.runs == LifecycleBenchmark.loadRounds && $0.transactionsPerSecond > 0 })
        #expect(breakdown[1].roundTripsPerTransaction == 4, "pgbench: BEGIN, two INSERTs, COMMIT")
        #expect(
            breakdown[0].roundTripsPerTransaction >= 3 && breakdown[0].roundTripsPerTransaction < 3.2,
            "ours: BEGIN with the order, the items, COMMIT, plus each connection's Parse once: \(breakdown[0])")
        #expect(
            breakdown[2].roundTripsPerTransaction < breakdown[0].roundTripsPerTransaction,
            "a fifth of the mix's transactions are one UPDATE")
        #expect(
            breakdown[0].waitingMillisecondsPerTransaction != nil
                && breakdown[1].waitingMillisecondsPerTransaction == nil)
        // The seed load, step by step, each side's steps by name.
        let steps = try #require(report.seedLoadSteps)
        #expect(steps.psql.map(\.name) == ["regions", "users", "orders", "order_items"])
        #expect(steps.ours.map(\.name).suffix(3) == ["regions", "users", "orders and order_items"])
        #expect(steps.ours.allSatisfy { $0.seconds >= 0 } && steps.psql.allSatisfy { $0.seconds >= 0 })

        // The online operations ran under writers: each has its figures, every acknowledged write held,
        // and the moves' writes hit what moved.
        let online = [
            "rebalance onto \(c.workers.count) workers", "isolate tenant", "drain \(c.drainedWorker.name)",
            "undistribute (Phase 4)",
        ]
        let normal = report.availability.filter { $0.fault == nil }
        #expect(normal.map(\.operation) == online)
        for record in normal {
            #expect(record.acknowledged > 0 && record.violations == 0 && record.longestWriteStall != nil, "\(record)")
            if record.operation != "undistribute (Phase 4)" { #expect(record.coverageText != "-", "\(record)") }
        }
        // The fault run: on the embedded cluster, its figures and what it found; elsewhere, why not.
        let faulted = report.availability.filter { $0.fault != nil }
        if c.localClusterDirectory != nil {
            #expect(
                faulted.count == 1 && faulted[0].violations == 0 && faulted[0].outcome.hasPrefix("failed"), "\(faulted)"
            )
            #expect(
                report.faultNotes.count == 1 && report.faultNotes[0].contains("held at Final Catchup")
                    && report.faultNotes[0].contains("the move run again: completed"), "\(report.faultNotes)")
        } else {
            #expect(faulted.isEmpty && report.faultNotes.first?.contains("not run") == true, "\(report.faultNotes)")
        }

        let markdown = report.markdown
        for line in [
            "| single-tenant lookup |", "| rebalance onto \(c.workers.count) workers |",
            "| seed load, \(ParallelSeedLoad().streams) COPY streams (rows/s) |",
            "## Availability during the online operations (writers running)",
            "## Where a writer transaction's time goes", "## The seed load, step by step",
            "| drain \(c.drainedWorker.name) | completed |",
        ] {
            #expect(markdown.contains(line), "\(line)")
        }
        let decoded = try JSONDecoder.iso8601.decode(BenchReport.self, from: Data(report.json.utf8))
        #expect(decoded.queries.count == report.queries.count)
        #expect(decoded.availability == report.availability)
        #expect(decoded.loadBreakdown == report.loadBreakdown && decoded.seedLoadSteps == report.seedLoadSteps)
        #expect(
            report.csv.split(separator: "\n").count == 1 + report.queries.count + report.operations.count + 2
                * report.anchors.count
                + 3 * report.availability.count)
        #expect(
            report.svg.hasPrefix("<svg")
                && report.svg.components(separatedBy: "<rect").count - 1 >= report.queries.count)

        for anchor in report.anchors {
            Evidence.note(
                String(
                    format: "%@: citus-verify %.0f %@, %@ %.0f %@, ratio %.2f", anchor.name, anchor.ours, anchor.unit,
                    anchor.referenceTool, anchor.reference, anchor.unit, anchor.ratio))
        }
        for operation in report.operations {
            Evidence.note(String(format: "%@: %.2f s", operation.operation, operation.seconds))
        }
        for record in report.availability {
            Evidence.note(
                """
                \(record.fault.map { "under a fault (\($0)), " } ?? "")\(record.operation): longest write stall \
                \(record.stallText) s, in doubt \(record.inDoubtText), errors \(record.errorsText), \
                \(record.violations) acknowledged writes lost or changed
                """
            )
        }
        report.faultNotes.forEach(Evidence.note)
        for stage in report.stages {
            Evidence.note(
                "p50 ms, \(stage): "
                    + report.queries.filter { $0.stage == stage }
                    .map { String(format: "%@ %.2f", $0.query, $0.latency.p50) }.joined(separator: ", "))
        }
    }
}

extension JSONDecoder {
    fileprivate static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
