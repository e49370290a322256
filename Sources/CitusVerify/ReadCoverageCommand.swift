import ArgumentParser
import ClusterFixtures
import Foundation

/// `citus-verify read-coverage`: after a whole test run, every labelled result and column of the
/// SQL files that no test looked at, unless listed as printed for people only.
struct ReadCoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read-coverage",
        abstract: "Fail when a labelled SQL result or one of its columns was never looked at by a test of the run.",
        discussion: """
            Reads the run's read log (CITUS_VERIFY_READ_LOG, written by the suite) and compares it with every \
            '-- result:' label of sql/ and every column those results had. sql/printed-for-people.json excuses \
            results or columns that are printed for people only, each with its reason. A run that skipped suites \
            (skips file not empty) is not judged: what did not run could not look. The upgrade rehearsal's skip \
            (Phase 5, without two servers to upgrade between) does not count: its cluster is its own, and the \
            SQL it runs is run and read by the other phases too.
            """)

    @Option(help: "The read log the run wrote.") var log: String
    @Option(help: "The run's skip records; when any suite skipped, coverage is reported as not judged.") var skips:
        String?

    func run() throws {
        let root = ProjectLayout.root
        if let skips {
            let skipped = try SkipRecord.read(from: skips).filter { !$0.suite.hasPrefix(UpgradePlan.testSuitePrefix) }
            if !skipped.isEmpty {
                print("read coverage: not judged, \(skipped.count) tests skipped in this run")
                return
            }
        }
        guard FileManager.default.fileExists(atPath: log) else {
            throw ValidationError(
                "read coverage: no read log at \(log): the run did not write one (CITUS_VERIFY_READ_LOG)")
        }
        let peopleFile = root.appendingPathComponent("sql/printed-for-people.json")
        var peopleOnly: [ReadCoverage.PeopleOnly] = []
        if FileManager.default.fileExists(atPath: peopleFile.path) {
            do {
                peopleOnly = try JSONDecoder().decode(
                    [ReadCoverage.PeopleOnly].self, from: Data(contentsOf: peopleFile))
            } catch {
                throw ValidationError(
                    "sql/printed-for-people.json is not a list of {file, label, column?, reason}: \(error)")
            }
        }
        let coverage = ReadCoverage(
            entries: try ReadLog.entries(at: URL(fileURLWithPath: log)),
            labels: try ReadCoverage.declaredLabels(root: root), peopleOnly: peopleOnly)
        for item in coverage.unjudged { print("read coverage: no test looks at \(item)") }
        for item in coverage.staleExcuses {
            print("read coverage: sql/printed-for-people.json names \(item), which no file declares")
        }
        let judged = coverage.declaredCount - coverage.unjudged.count
        print(
            "read coverage: \(judged) of \(coverage.declaredCount) labelled results and columns "
                + "looked at by a test or printed for people only (\(peopleOnly.count) listed)")
        if !coverage.unjudged.isEmpty || !coverage.staleExcuses.isEmpty { throw ExitCode(1) }
    }
}
