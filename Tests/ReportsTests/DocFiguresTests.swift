import ClusterFixtures
import Foundation
import Reports
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
                #expect(
                    block.content == expected,
                    """
                    \(relative):\(block.line): '\(block.name)' differs from docs/figures/\(block.name).json: run \
                    `make docs`
                    """
                )
            }
        }
        #expect(seen >= 1, "the README shows the last run's figures in a block")
    }

    @Test("A block edited by hand is rewritten from its report; an unknown or unclosed block names the file and line")
    func editedUnknownAndUnclosedBlocks() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("doc-figures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let timing = RunTiming(
            results: JUnitResults(outcomes: ["A.B/one()": .passed, "A.B/two()": .passed]), wallSeconds: 75)
        try timing.write(to: folder.appendingPathComponent("test-run.json"))
        let edited = "intro\n<!-- figures:test-run -->\ntests: 999 passed, 0 failed, 0 skipped\n<!-- /figures -->\nend"
        let rewritten = try DocFigures.rewrite(edited, file: "README.md", figures: folder)
        #expect(
            rewritten.contains("tests: 2 passed, 0 failed, 0 skipped") && rewritten.contains("1 min 15 s wall"),
            "\(rewritten)")
        #expect(
            !rewritten.contains("999") && rewritten.hasPrefix("intro\n") && rewritten.hasSuffix("\nend"), "\(rewritten)"
        )
        #expect(
            try DocFigures.rewrite(rewritten, file: "README.md", figures: folder) == rewritten,
            "rewriting twice changes nothing")

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

/// The generated mutants' figure, from the report `citus-verify mutate --generated` writes.
@Suite("The generated mutants judged so far: per folder, with the last run's speed")
struct GeneratedMutantFigureTests {
    @Test("Killed, survived, equivalent and stillborn are counted per folder and in all; an unfinished run says so")
    func countsPerFolder() throws {
        func outcome(_ file: String, _ verdict: String, carried: Bool = false) -> String {
            // As the run writes it (GeneratedMutationReport), every field present.
            "{\"mutant\": {\"file\": \"\(file)\", \"id\": \"x\", \"line\": 1, \"operator\": \"o\", "
                + "\"original\": \"a\", "
                + "\"replacement\": \"b\", \"start\": 0, \"end\": 1}, \"verdict\": \"\(verdict)\", \"detail\": \"\", "
                + "\"targets\": [], \"seconds\": 1" + (carried ? ", \"carriedFrom\": \"2026-11-27T00:00:00Z\"" : "")
                + "}"
        }
        let outcomes = [
            outcome("sql/a.sql", "killed"), outcome("sql/a.sql", "survived"), outcome("sql/b.sql", "equivalent"),
            outcome("Sources/X/A.swift", "killed", carried: true), outcome("Sources/X/A.swift", "stillborn"),
        ]
        let report = "{\"outcomes\": [\(outcomes.joined(separator: ","))], \"seconds\": 120, \"generated\": 9}"
        let lines = try DocFigures.Figure.mutateGenerated.render(Data(report.utf8), source: "generated.json")
        #expect(lines.contains("| sql/ | 3 | 1 | 1 | 1 | 0 | 50% |"), "\(lines)")
        #expect(lines.contains("| Swift (oracles, seed, audit) | 2 | 1 | 0 | 0 | 1 | 100% |"), "\(lines)")
        #expect(lines.contains("| all | 5 | 2 | 1 | 1 | 1 | 66% |"), "\(lines)")
        #expect(
            lines.contains {
                $0.hasPrefix("5 of the 9 generated mutants judged; the last run judged 3 in 2 min")
                    && $0.contains("stopped before its end")
            },
            "\(lines)")
        #expect(throws: ReportFileError.self) {
            try DocFigures.Figure.mutateGenerated.render(Data("{}".utf8), source: "x.json")
        }
    }
}

/// The run's timing, read from a JUnit file as Swift Testing writes it.
@Suite("Where the time went: seconds per suite from the JUnit file")
struct RunTimingTests {
    @Test(
        "Seconds are summed per suite from each test's time, longest first; a failed run is never a figure for the docs"
    )
    func secondsPerSuite() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("timing-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: file) }
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites><testsuite name="TestResults" tests="3">
        <testcase classname="A.Short" name="one()" time="1.25" />
        <testcase classname="B.Long" name="two()" time="10.5" />
        <testcase classname="B.Long" name="three()" time="4.5"><failure message="x" /></testcase>
        </testsuite></testsuites>
        """.write(to: file, atomically: true, encoding: .utf8)
        let timing = RunTiming(results: try JUnitResults(contentsOf: file), wallSeconds: 125, status: 1)
        #expect(
            timing.suites.map(\.suite) == ["B.Long", "A.Short"] && timing.suites.map(\.seconds) == [15, 1.3],
            "\(timing.suites)")
        #expect(timing.breakdown() == ["    15.0 s  B.Long", "     1.3 s  A.Short"], "\(timing.breakdown())")
        #expect(timing.passed == 2 && timing.failed == 1 && !timing.passedWhole)
        #expect(
            timing.announcement.hasPrefix("the last run on this machine took 2 min 5 s (2 passed, 1 failed"),
            "\(timing.announcement)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("figures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try timing.write(to: folder.appendingPathComponent("test-run.json"))
        #expect(throws: FailedRunReport.self) { try DocFigures.render("test-run", figures: folder) }
    }

    @Test("make docs keeps the last passing run's figures for a failed run's report, and stops on one it cannot read")
    func failedAndUnreadableReports() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("docs-root-\(UUID().uuidString)")
        let reports = root.appendingPathComponent("reports", isDirectory: true)
        let figures = root.appendingPathComponent(DocFigures.figuresFolder, isDirectory: true)
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let passing = RunTiming(results: JUnitResults(outcomes: ["A.B/one()": .passed]), wallSeconds: 60)
        try passing.write(to: figures.appendingPathComponent("test-run.json"))
        try "<!-- figures:test-run -->\n<!-- /figures -->\n".write(
            to: root.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)

        let failed = RunTiming(
            results: JUnitResults(outcomes: ["A.B/one()": .passed, "A.B/two()": .failed]), wallSeconds: 90, status: 1)
        try failed.write(to: reports.appendingPathComponent("timing.json"))
        try DocFigures.update(root: root, reports: reports)
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("tests: 1 passed, 0 failed, 0 skipped"), "\(readme)")

        try Data("{}".utf8).write(to: reports.appendingPathComponent("timing.json"))
        let unreadable = try #require(throws: ReportFileError.self) {
            try DocFigures.update(root: root, reports: reports)
        }
        #expect(unreadable.path.hasSuffix("reports/timing.json"), "\(unreadable)")
    }
}

/// The lifecycle benchmark's figure, from the file `scripts/bench-lifecycle.sh` writes.
@Suite("The lifecycle benchmark's figure: each side's runs, the ratio of the medians, the harness's overhead")
struct LifecycleFigureTests {
    @Test("Medians as the script prints them (an even count averages the middle two), the ratio and the overhead")
    func medianRatioAndOverhead() throws {
        // As the script writes it.
        let json = """
            {"finished": "2026-11-28T22:00:00Z", "tuned": [24.0, 26.0, 23.0, 30.0], "defaults": [150.0, 152.0, 140.0],
             "overheadRunWall": 24.0, "citusSeconds": 12.0,
             "otherCosts": [{"name": "seed file, 4 runs", "seconds": 3.5}, {"name": "cluster start", "seconds": 0.6}]}
            """
        let lines = try DocFigures.Figure.lifecycle.render(Data(json.utf8), source: "lifecycle.json")
        #expect(lines.contains { $0.hasPrefix("| tuned") && $0.contains("| 25.0 s | 23.0 s | 30.0 s |") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("| defaults") && $0.contains("| 150.0 s | 140.0 s | 152.0 s |") })
        #expect(lines.contains("Tuned is 6.0× faster than defaults (medians)."), "\(lines)")
        #expect(lines.contains { $0.contains("wall / Citus's operations 2.00") }, "\(lines)")
        #expect(lines.contains("Largest other costs: seed file, 4 runs 3.5 s; cluster start 0.6 s."), "\(lines)")
        #expect(throws: ReportFileError.self) {
            try DocFigures.Figure.lifecycle.render(Data("{\"tuned\": []}".utf8), source: "lifecycle.json")
        }
        let untimed = try DocFigures.Figure.lifecycle.render(
            Data(json.replacingOccurrences(of: "\"citusSeconds\": 12.0", with: "\"citusSeconds\": 0").utf8),
            source: "lifecycle.json")
        #expect(
            untimed.contains("Harness overhead in the tuned run of 24.0 s: no Citus operation was timed."),
            "\(untimed)")

        // make bench's report shows it too, from the file beside it, dated; a scale report that
        // cannot be read is an error naming the file.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(json.utf8).write(to: folder.appendingPathComponent("lifecycle.json"))
        var report = BenchReport(environment: [])
        try report.addOtherBenchmarks(from: folder)
        #expect(report.markdown.contains("Tuned is 6.0× faster than defaults (medians)."), "\(report.markdown)")
        #expect(report.markdown.contains("Measured by the run that ended 2026-11-28T22:00:00Z."))
        #expect(!report.markdown.contains("<sub>"), "bench.md dates the figures itself")
        // Tuned runs alone (a file cut short or edited can hold them): shown, with no ratio.
        try Data(json.replacingOccurrences(of: "[150.0, 152.0, 140.0]", with: "[]").utf8).write(
            to: folder.appendingPathComponent("lifecycle.json"))
        var tunedOnly = BenchReport(environment: [])
        try tunedOnly.addOtherBenchmarks(from: folder)
        #expect(
            tunedOnly.markdown.contains("No run on default settings: no ratio.")
                && !tunedOnly.markdown.contains("faster than defaults"), "\(tunedOnly.markdown)")
        try Data("{}".utf8).write(to: folder.appendingPathComponent("scale.json"))
        let unreadable = try #require(throws: ReportFileError.self) { try report.addOtherBenchmarks(from: folder) }
        #expect(unreadable.path.hasSuffix("scale.json"), "\(unreadable)")
    }
}
