import ArgumentParser
import ClusterFixtures
import Foundation
import Reports

/// `citus-verify docs`: fills the README's and docs/'s marked figure blocks from the last run's
/// reports (`make docs`).
struct Docs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite the marked figure blocks of README.md and docs/ from the last run's reports.",
        discussion: """
            A block `<!-- figures:NAME -->` … `<!-- /figures -->` is rendered from reports/ (copied to \
            docs/figures/NAME.json, which is committed with the docs); a unit test fails when a block \
            disagrees with its file.

            Examples:
              citus-verify docs
              citus-verify docs --reports reports
            """)

    @Option(help: "The folder holding the last run's reports.")
    var reports = ProjectLayout.root.appendingPathComponent("reports").path

    func run() throws {
        let changed = try DocFigures.update(reports: URL(fileURLWithPath: reports, isDirectory: true))
        print(
            changed.isEmpty
                ? "docs: every figure block is up to date" : "docs: rewrote \(changed.joined(separator: ", "))")
    }
}
