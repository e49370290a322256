import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// The performance report has every measurement it promises. Its numbers are reported, never
/// judged: no threshold on any of them.
@Suite("Benchmark report: every stage, query, operation and anchor measured", .serialized, .requiresCitus, .exclusiveCluster,
       .proves(.performanceMetrics))
struct BenchmarkReportTests {
    @Test("A short benchmark run measures the five demo queries in four stages, six operations and three anchors, and renders them")
    func report() throws {
        let cluster = try Cluster.shared()
        let report = try LifecycleBenchmark(cluster: cluster, options: .init(samples: 3, loadSeconds: 1)).run()

        let c = cluster.configuration
        #expect(report.stages == ["plain tables", "distributed, \(c.initialWorkers.count) workers", "rebalanced, \(c.workers.count) workers", "undistributed"])
        #expect(report.queryNames == LifecycleBenchmark.queries.map(\.name))
        for query in report.queries {
            #expect(query.latency.count >= 1 && query.latency.p50 > 0, "\(query.stage): \(query.query)")
        }
        #expect(report.operations.map(\.operation) == ["setup: base tables and seed data", "distribute (Phase 2)", "add worker",
                                                       "rebalance onto \(c.workers.count) workers", "isolate tenant", "drain \(c.drainedWorker.name)", "undistribute (Phase 4)"])
        #expect(report.operations.allSatisfy { $0.seconds > 0 })
        #expect(report.anchors.map(\.referenceTool) == ["psql \\copy", "01_initial_seed_data.sql", "pgbench"],
                "both references measured: psql and pgbench must be installed beside the server")
        #expect(report.anchors.allSatisfy { $0.ours > 0 && $0.reference > 0 })

        let markdown = report.markdown
        for line in ["| single-tenant lookup |", "| rebalance onto \(c.workers.count) workers |", "| seed load, \(ParallelSeedLoad().streams) COPY streams (rows/s) |"] {
            #expect(markdown.contains(line), "\(line)")
        }
        let decoded = try JSONDecoder.iso8601.decode(BenchReport.self, from: Data(report.json.utf8))
        #expect(decoded.queries.count == report.queries.count)
        #expect(report.csv.split(separator: "\n").count == 1 + report.queries.count + report.operations.count + 2 * report.anchors.count)
        #expect(report.svg.hasPrefix("<svg") && report.svg.components(separatedBy: "<rect").count - 1 >= report.queries.count)

        for anchor in report.anchors {
            Evidence.note(String(format: "%@: citus-verify %.0f %@, %@ %.0f %@, ratio %.2f", anchor.name, anchor.ours, anchor.unit,
                                 anchor.referenceTool, anchor.reference, anchor.unit, anchor.ratio))
        }
        for operation in report.operations { Evidence.note(String(format: "%@: %.2f s", operation.operation, operation.seconds)) }
        for stage in report.stages {
            Evidence.note("p50 ms, \(stage): " + report.queries.filter { $0.stage == stage }
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
