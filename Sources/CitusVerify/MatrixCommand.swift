import ArgumentParser
import ClusterFixtures
import Foundation
import Reports

/// `citus-verify matrix`: the report of a `make matrix` run (scripts/matrix.sh runs the suite on
/// each server): REPORTS/matrix.md and matrix.json, one row per PostgreSQL and Citus pair.
struct MatrixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract: "Write reports/matrix.md and .json from the pairs a `make matrix` run tested.",
        discussion: """
            make matrix runs the suite once per server with Citus (MATRIX_BINDIRS, MATRIX_SCOPE=test|lifecycle), each \
            on a cluster of its own, and leaves each pair's reports in REPORTS/matrix/<label>/; this command reads \
            them. Exit status 1 when a pair failed or none ran.
            """)

    @Option(help: "The reports folder of the run.") var reports = "reports"

    func run() throws {
        let folder = URL(fileURLWithPath: reports)
        let report = try MatrixReport(reports: folder)
        guard !report.pairs.isEmpty else {
            throw ValidationError("no pair in \(reports)/matrix/: run make matrix first")
        }
        try report.markdown.write(to: folder.appendingPathComponent("matrix.md"), atomically: true, encoding: .utf8)
        try JSONOutput.encode(report).write(
            to: folder.appendingPathComponent("matrix.json"), atomically: true, encoding: .utf8)
        for pair in report.pairs {
            let figures =
                pair.status == "not run"
                ? pair.reason
                : """
                \(pair.passed) passed, \(pair.failed) failed, \(pair.skipped) skipped, lifecycle \
                \(String(format: "%.0f", pair.lifecycleSeconds)) s, wall \(pair.wallSeconds) s
                """
            print(
                """
                matrix: \(pair.label) PostgreSQL \(pair.postgres) + Citus \
                \(pair.citus.isEmpty ? "none" : pair.citus): \(pair.status), \(figures)
                """
            )
        }
        let page = try ReportIndex.write(in: folder)
        print("matrix: \(reports)/matrix.md, \(reports)/matrix.json; the report page: \(page.path)")
        if report.failed { throw ExitCode(1) }
    }
}
