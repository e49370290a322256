import ClusterFixtures
import ClusterTesting
import Foundation
import Reports
import Testing

/// `citus-verify bench-scale`: the lifecycle at two small scales, each in its own process; the
/// report's figures checked against the seed generator, not against the tool's own output.
@Suite("citus-verify bench-scale: the scale curve", .serialized, .requiresCitus, .exclusiveCluster)
struct ToolBenchScaleTests {
    @Test(
        """
        bench-scale at scales 1 and 2 writes scale.md/json/svg: every operation timed at each scale, the rows the \
        generator makes, nothing lost, COPY compared with psql
        """
    )
    func twoScales() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-scale-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try citusVerify(
            "bench-scale", "--scales", "2,1", "--compare-copy-up-to", "1", "--output", folder.path,
            timeLimit: .seconds(900))
        #expect(run.status == 0, "\(run)")
        #expect(
            run.errorOutput.contains("the largest needs about"), "the need is said before it starts: \(run.errorOutput)"
        )
        let report = try JSONDecoder().decode(
            ScaleReport.self, from: Data(contentsOf: folder.appendingPathComponent("scale.json")))
        #expect(report.steps.map(\.scale) == [1, 2])
        for step in report.steps {
            let generator = SeedGenerator(seed: try Cluster.shared().configuration.seed, scale: step.scale)
            #expect(step.users == generator.userCount && step.orders == generator.orderCount)
            #expect(step.items == generator.firstItemIDs(of: [1...generator.orderCount]).items)
            if step.scale == report.steps.last?.scale {
                // The last scale's tables are still there: the count the report gives is the database's.
                #expect(
                    try Cluster.shared().coordinator.value("SELECT count(*) FROM order_items", as: Int.self)
                        == step.items,
                    "the items the report counts are the items in the database")
            }
            #expect(step.rowsIntact)
            #expect(step.peakMemoryBytes > 0)
            #expect(
                step.operations.map(\.name) == [
                    "rebuild the database on every node", "seed load (parallel COPY)", "distribute", "add worker",
                    "rebalance", "isolate tenant", "drain \(try Cluster.shared().configuration.drainedWorker.name)",
                    "undistribute", "checksums: database against generator",
                ])
            #expect(step.operations.allSatisfy { $0.seconds >= 0 })
        }
        #expect(
            report.steps[0].copyComparison != nil && report.steps[1].copyComparison == nil,
            "compared up to scale 1 only")
        let markdown = try String(contentsOf: folder.appendingPathComponent("scale.md"), encoding: .utf8)
        #expect(markdown.contains("| operation | scale 1 | scale 2 |"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("scale.svg").path))
    }

    @Test(
        "Bad --scales are a one-line error naming the option and the expected form, before anything runs",
        arguments: ["0", "1,abc", "1001", "1,1", ""])
    func badScales(_ scales: String) throws {
        let run = try citusVerify("bench-scale", "--scales", scales)
        #expect(run.status != 0)
        #expect(run.errorOutput.contains("--scales"), "\(run.errorOutput)")
        #expect(!run.errorOutput.contains("scale 1:"), "nothing ran")
    }
}
