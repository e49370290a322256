import ArgumentParser
import ClusterFixtures
import Foundation
import Reports

/// `citus-verify signoff`: the sign-off document from a finished test run.
struct SignoffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signoff",
        abstract: "Write the migration sign-off from a test run's JUnit file and checklist claims.",
        discussion: """
            Every verification line of the checklist is ticked only when every test that claims it \
            (the .proves trait) passed in that run, and is listed with those tests and their evidence. \
            Exits non-zero when a line is not proved or any test failed or was skipped. `make signoff` \
            runs the whole suite and then this.

            Examples:
              citus-verify signoff
              citus-verify signoff --junit reports/junit-swift-testing.xml --claims reports/claims.jsonl \
            --output reports/signoff.md
            """
    )

    @Option(help: "The checklist to mirror.")
    var checklist = SeedChecklist.projectFile.path

    @Option(
        help:
            """
            The run's Swift Testing JUnit file (swift test --xunit-output reports/junit.xml writes \
            reports/junit-swift-testing.xml).
            """
    )
    var junit = ProjectLayout.root.appendingPathComponent("reports/junit-swift-testing.xml").path

    @Option(help: "The claims the run wrote (CITUS_VERIFY_CLAIMS).")
    var claims = ProjectLayout.root.appendingPathComponent("reports/claims.jsonl").path

    @Option(
        help:
            """
            The tests the run skipped at run time, with the reasons (CITUS_VERIFY_SKIPS): the Upgrade section \
            says why Phase 5 did not run.
            """
    )
    var skips = ProjectLayout.root.appendingPathComponent("reports/skips.jsonl").path

    @Option(help: "Where to write the sign-off (signoff.json and index.html go beside it).")
    var output = ProjectLayout.root.appendingPathComponent("reports/signoff.md").path

    @Flag(help: "Print the verdicts as JSON (signoff.json's content) instead of the summary lines.")
    var json = false

    func run() throws {
        for (option, path) in [("--checklist", checklist), ("--junit", junit), ("--claims", claims)]
        where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError(
                "\(option) \(path) does not exist"
                    + (option == "--checklist" ? "" : ": run `make signoff`, which runs the tests first"))
        }
        let cluster = (try? ClusterAccess.open()).map { $0.signoffDescription() } ?? ["cluster: not configured"]
        let signoff = Signoff(
            checklist: try SeedChecklist(contentsOf: URL(fileURLWithPath: checklist)),
            claims: try ChecklistClaim.read(from: claims),
            results: try JUnitResults(contentsOf: URL(fileURLWithPath: junit)), cluster: cluster,
            upgradeSkipReason: try SkipRecord.read(from: skips).first {
                $0.suite.hasPrefix(Signoff.upgradeSuitePrefix)
            }?.reason)
        try signoff.markdown.write(toFile: output, atomically: true, encoding: .utf8)
        // signoff.json beside it, and the one page (index.html) built from it and the last benchmark.
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent()
        let summary = ReportIndex.summary(of: signoff)
        try ReportIndex.encode(summary).write(to: folder.appendingPathComponent("signoff.json"))
        let page = try ReportIndex.write(in: folder)
        let verdicts = signoff.verdicts
        let ticked = verdicts.filter(\.ticked).count
        if json {
            print(String(decoding: try ReportIndex.encode(summary), as: UTF8.self))
        } else {
            print(
                """
                signoff: \(ticked) of \(verdicts.count) verification lines proved; written to \(output) and \
                \(page.path)
                """
            )
            for verdict in verdicts where !verdict.ticked {
                print("  not verified: \(verdict.label): \(verdict.reason ?? "")")
            }
        }
        if !signoff.isComplete { throw ExitCode.failure }
    }
}
