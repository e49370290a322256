import ClusterFixtures
import Foundation
import Testing

@testable import Reports

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("The scale curve's report: growth from scale to scale, the table, the chart, the disk refusal")
struct ScaleReportTests {
    static func step(_ scale: Int, load: Double, rebalance: Double, intact: Bool = true) -> ScaleBenchmark.Step {
        ScaleBenchmark.Step(
            scale: scale, users: 1_000 * scale, orders: 10_000 * scale, items: 20_000 * scale,
            operations: [
                .init(name: "seed load (parallel COPY)", seconds: load, rows: 31_010 * scale),
                .init(name: "rebalance", seconds: rebalance, rows: 31_010 * scale),
            ],
            peakMemoryBytes: 200 << 20, databaseBytes: Int64(scale) * 4_500_000,
            copyComparison: scale <= 10
                ? .init(
                    name: "seed load", unit: "rows/s", ours: 300_000, reference: 150_000, referenceTool: "psql \\copy")
                : nil,
            rowsIntact: intact)
    }

    @Test("Growth is the ratio of seconds to the previous scale measured; the table names every scale and operation")
    func growthAndTable() {
        let report = ScaleReport(
            machine: ["2 cores"], steps: [Self.step(10, load: 8, rebalance: 3), Self.step(1, load: 1, rebalance: 2)])
        #expect(report.steps.map(\.scale) == [1, 10], "sorted by scale")
        #expect(report.growth("seed load (parallel COPY)", at: 10) == 8)
        #expect(report.growth("rebalance", at: 10) == 1.5)
        #expect(report.growth("rebalance", at: 1) == nil)
        let markdown = report.markdown
        #expect(
            markdown.contains("| seed load (parallel COPY) | 1.0 s (31k rows/s) | 8.0 s (39k rows/s) ×8.0 |"),
            "\(markdown)")
        #expect(markdown.contains("| 10 | 1 | 300k | 150k | 2.00 |"), "the COPY comparison per scale")
        #expect(markdown.contains("yes: every checksum equals the generator's"))
        #expect(
            ScaleReport(machine: [], steps: [Self.step(1, load: 1, rebalance: 1, intact: false)]).markdown.contains(
                "**NO: a checksum differs**"))
    }

    @Test("The seed load's comparison says how many runs each side had, and counts each side's median run")
    func seedLoadRuns() {
        var step = Self.step(1, load: 1, rebalance: 1)
        step.copySteps = SeedLoadSteps(
            scale: 1, ours: [.init(name: "users", seconds: 0.2)], psql: [.init(name: "users", seconds: 0.3)], runs: 3)
        let markdown = ScaleReport(machine: [], steps: [step]).markdown
        #expect(markdown.contains("| 1 | 3 | 300k | 150k | 2.00 |"), "\(markdown)")
        #expect(
            markdown.contains("Each side's median run of 3, taking turns, after one uncounted load of each:"),
            "\(markdown)")
        let runs = [0.9, 0.3, 0.5, 0.7].map { SeedLoadComparison.LoadRun(seconds: $0, steps: [], streams: 2) }
        #expect(SeedLoadComparison.LoadRun.median(Array(runs.prefix(3))).seconds == 0.5)
        #expect(SeedLoadComparison.LoadRun.median(runs).seconds == 0.7, "of an even count, the slower middle run")
    }

    @Test("The chart is well-formed SVG with one line per operation across the scales, on log axes")
    func chart() throws {
        let report = ScaleReport(
            machine: [],
            steps: [
                Self.step(1, load: 1, rebalance: 2), Self.step(10, load: 8, rebalance: 3),
                Self.step(100, load: 70, rebalance: 9),
            ])
        let svg = report.svg
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "valid XML: \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.components(separatedBy: "<circle").count - 1 == 6)
        #expect(svg.contains(">100k<") && svg.contains(">1M<"), "row ticks by powers of ten")
    }

    @Test(
        "A disk without room for the largest scale is a one-line refusal naming the scale, the need and the free space")
    func diskRefusal() {
        let need = ScaleBenchmark.requirement(scale: 1_000).disk
        #expect(ScaleBenchmark.diskRefusal(scales: [1, 10, 1_000], free: need, where: "/data") == nil)
        let refusal = ScaleBenchmark.diskRefusal(scales: [1, 1_000, 10], free: need - 1, where: "/data")
        #expect(refusal?.hasPrefix("bench-scale: scale 1000 needs about ") == true, "\(refusal ?? "nil")")
        #expect(refusal?.contains("/data has") == true && refusal?.contains("\n") == false)
        #expect(
            ScaleBenchmark.requirement(scale: 100).disk > 435 * 1_000_000,
            "at least the 435 MB scale 100 took on the coordinator")
    }
}
