import ClusterFixtures
import Foundation
import Testing

/// Figures from a run are generated into marked blocks (`make docs`), never typed: each block must
/// be what its report renders to.
@Suite("Figures in the README and docs come from the reports they were made from")
struct DocFiguresTests {
    let root = ProjectLayout.root

    @Test("Every marked figure block of README.md and docs/ equals the rendering of its file in docs/figures")
    func blocksMatchTheirReports() throws {
        let figures = root.appendingPathComponent(DocFigures.figuresFolder, isDirectory: true)
        var seen = 0
        for document in DocFigures.documents(root: root) {
            let relative = String(document.path.dropFirst(root.path.count + 1))
            for block in try DocFigures.blocks(in: try String(contentsOf: document, encoding: .utf8), file: relative) {
                seen += 1
                let expected = try DocFigures.render(block.name, figures: figures)
                #expect(block.content == expected, "\(relative):\(block.line): '\(block.name)' differs from docs/figures/\(block.name).json: run `make docs`")
            }
        }
        #expect(seen >= 1, "the README shows the last run's figures in a block")
    }

    @Test("A block edited by hand is rewritten from its report; an unknown or unclosed block names the file and line")
    func editedUnknownAndUnclosedBlocks() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("doc-figures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let timing = RunTiming(results: JUnitResults(outcomes: ["A.B/one()": .passed, "A.B/two()": .failed]), wallSeconds: 75)
        try timing.write(to: folder.appendingPathComponent("test-run.json"))
        let edited = "intro\n<!-- figures:test-run -->\ntests: 999 passed, 0 failed, 0 skipped\n<!-- /figures -->\nend"
        let rewritten = try DocFigures.rewrite(edited, file: "README.md", figures: folder)
        #expect(rewritten.contains("tests: 1 passed, 1 failed, 0 skipped") && rewritten.contains("1 min 15 s wall"), "\(rewritten)")
        #expect(!rewritten.contains("999") && rewritten.hasPrefix("intro\n") && rewritten.hasSuffix("\nend"), "\(rewritten)")
        #expect(try DocFigures.rewrite(rewritten, file: "README.md", figures: folder) == rewritten, "rewriting twice changes nothing")

        let unknown = try #require(throws: DocFigures.Malformed.self) {
            try DocFigures.blocks(in: "a\n<!-- figures:tests -->\n<!-- /figures -->", file: "docs/x.md")
        }
        #expect(unknown.location == "docs/x.md:2" && unknown.problem.contains("test-run"), "\(unknown)")
        let unclosed = try #require(throws: DocFigures.Malformed.self) {
            try DocFigures.blocks(in: "<!-- figures:test-run -->\ntext", file: "README.md")
        }
        #expect(unclosed.location == "README.md:1", "\(unclosed)")
    }
}
