import ArgumentParser
import ClusterFixtures
import Foundation
import Reports

/// `citus-verify bench`: the performance report.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Run the lifecycle and measure it: query latency per stage, operation durations, and side-by-side anchors.",
        discussion: """
            Rebuilds the suite's database (CITUS_VERIFY_RESET=allow), then: the seed load against psql \\copy \
            of the same rows; the five demo queries (p50/p95/p99) on plain tables, distributed on 2 workers, \
            rebalanced on 3, and undistributed; each lifecycle operation's duration, the online ones under \
            writers with their availability (longest write stall, outcomes in doubt, errors by SQLSTATE, \
            every acknowledged write checked); on the embedded cluster the same figures under one injected \
            fault (a move's session terminated before cutover); the load generator \
            against pgbench running the same transaction with the same clients. Writes bench.md, bench.json, \
            bench.csv and bench.svg. It measures and reports; it passes no judgement on speed.

            Examples:
              citus-verify bench
              citus-verify bench --samples 300 --scale 10 --output reports/bench
              citus-verify bench --no-writers --no-fault     (operations timed alone)
            """
    )

    @Option(help: "Timed runs per query and stage, after warm-up.")
    var samples = 100

    @Option(help: "Seed data scale (1 = 10,000 orders).")
    var scale = 1

    @Option(help: "Seconds each side of the load comparison runs.")
    var loadSeconds = 5.0

    @Flag(
        inversion: .prefixedNo,
        help:
            """
            Run writers through each online operation (their availability is reported; durations are measured \
            under them).
            """
    )
    var writers = true

    @Flag(
        inversion: .prefixedNo,
        help:
            """
            On the embedded cluster, one shard move with its session terminated before cutover, under writers: \
            availability under a fault.
            """
    )
    var fault = true

    @Flag(help: "Print the report as JSON (bench.json's content) instead of Markdown.")
    var json = false

    @Option(help: "Folder for bench.md, bench.json, bench.csv and bench.svg.")
    var output = ProjectLayout.root.appendingPathComponent("reports/bench").path

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
        guard (1...ClusterConfiguration.maximumScale).contains(scale) else {
            throw ValidationError("--scale must be from 1 to \(ClusterConfiguration.maximumScale), got \(scale)")
        }
        guard loadSeconds > 0 else { throw ValidationError("--load-seconds must be above 0, got \(loadSeconds)") }
    }

    func run() throws {
        let cluster = try ClusterAccess.open()
        let benchmark = LifecycleBenchmark(
            cluster: cluster,
            options: .init(
                samples: samples, scale: scale, loadSeconds: loadSeconds,
                writers: writers, fault: fault)
        ) {
            FileHandle.standardError.write("bench: \($0)\n".data(using: .utf8)!)
        }
        var report = try benchmark.run()
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try report.addOtherBenchmarks(from: URL(fileURLWithPath: output))
        for (name, text) in [
            ("bench.md", report.markdown), ("bench.json", report.json), ("bench.csv", report.csv),
            ("bench.svg", report.svg),
        ] {
            try text.write(toFile: (output as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        // The one page: reports/index.html, when the output is the project's reports folder.
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent()
        let page = folder.lastPathComponent == "reports" ? try ReportIndex.write(in: folder) : nil
        if json { return print(report.json) }
        print(report.markdown)
        print("bench: written to \(output)/bench.{md,json,csv,svg}" + (page.map { " and \($0.path)" } ?? ""))
    }
}
