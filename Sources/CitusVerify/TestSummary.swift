import ArgumentParser
import ClusterFixtures
import Foundation
import Reports

/// `citus-verify test-summary`: the closing lines of `make test`, from the same reader the sign-off
/// uses (`JUnitResults`). Marks the tests skipped at run time `<skipped>` in the JUnit file first
/// (Swift Testing lists them as passed), so the file, the summary and the sign-off agree.
struct TestSummary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-summary",
        abstract:
            "Print a test run's closing line (passed, failed, skipped, with each skip's reason) from its JUnit file.",
        discussion: """
            Used by `make test`. swift test's own closing line counts skipped tests as passed; this counts \
            every <testcase> of the JUnit file, after marking as skipped the tests the run recorded in \
            CITUS_VERIFY_SKIPS (--skips).

            Examples:
              citus-verify test-summary --junit reports/junit-swift-testing.xml --skips reports/skips.jsonl --status 0
            """)

    @Option(help: "The run's Swift Testing JUnit file.") var junit = ProjectLayout.root.appendingPathComponent(
        "reports/junit-swift-testing.xml"
    ).path
    @Option(help: "The tests the run skipped at run time (CITUS_VERIFY_SKIPS).") var skips = ProjectLayout.root
        .appendingPathComponent("reports/skips.jsonl").path
    @Option(help: "swift test's exit status.") var status: Int32 = 0
    @Flag(help: "Print the counts as JSON.") var json = false
    @Option(help: "Keep the run's timing here (wall time, seconds per suite), for the next run's announcement.")
    var timing: String?
    @Option(help: "Wall time of the run, in seconds (with --timing).") var wallSeconds: Int?
    @Flag(help: "Only print what the last run recorded in --timing (before a run starts).") var announce = false

    func run() throws {
        if announce {
            let kept = timing.flatMap { RunTiming.read(from: URL(fileURLWithPath: $0)) }
            print(
                "tests: "
                    + (kept?.announcement ?? "no earlier run recorded on this machine (\(timing ?? "no --timing"))"))
            return
        }
        let url = URL(fileURLWithPath: junit)
        guard FileManager.default.fileExists(atPath: junit) else {
            throw ValidationError("--junit \(junit) does not exist: the test run did not finish (or did not build)")
        }
        try JUnitResults.markSkipped(try SkipRecord.read(from: skips), in: url)
        let results = try JUnitResults(contentsOf: url)
        if json {
            let counts = results.counts
            print(
                try JSONOutput.encode([
                    "passed": counts[.passed] ?? 0, "failed": counts[.failed] ?? 0, "skipped": counts[.skipped] ?? 0,
                ]))
        } else {
            if let timing, let wallSeconds {
                let record = RunTiming(results: results, wallSeconds: wallSeconds, status: status)
                try record.write(to: URL(fileURLWithPath: timing))
                print(
                    """
                    where the time went (\(RunTiming.text(seconds: wallSeconds)) wall, build included; summed \
                    test seconds per suite):
                    """
                )
                for line in record.breakdown() { print(line) }
            }
            for line in results.summaryLines(status: status) { print(line) }
        }
    }
}
