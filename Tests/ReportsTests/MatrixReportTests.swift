import Foundation
import Testing

@testable import ClusterFixtures
@testable import Reports

/// The matrix report is read from each pair's own files, never from what the script says of them.
@Suite("Matrix report: one row per pair, from its JUnit file and logs")
struct MatrixReportTests {
    func writePair(_ folder: URL, label: String, status: String, junit: String?, log: String) throws {
        let pair = folder.appendingPathComponent("matrix/\(label)")
        try FileManager.default.createDirectory(
            at: pair.appendingPathComponent("lanes/0"), withIntermediateDirectories: true)
        try
            (#"{"label":"\#(label)","bindir":"/x/\#(label)/bin","#
            + #""postgres":"18.6","citus":"14.0-1","scope":"lifecycle","#
            + #""status":"\#(status)","wallSeconds":90,"reason":""}"#)
            .write(to: pair.appendingPathComponent("pair.json"), atomically: true, encoding: .utf8)
        if let junit {
            try junit.write(
                to: pair.appendingPathComponent("junit-swift-testing.xml"), atomically: true, encoding: .utf8)
        }
        try log.write(to: pair.appendingPathComponent("lanes/0/output.log"), atomically: true, encoding: .utf8)
    }

    @Test("Counts, the phases' own seconds and known issues per pair; an issue on one pair only is named as differing")
    func readsEachPair() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("matrix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let junit = """
            <testsuites><testsuite name="TestResults" tests="3">
            <testcase classname="Phase1Tests.Phase1Tests" name="a()" time="1.0" />
            <testcase classname="Phase4Tests.Phase4Tests" name="b()" time="1.0"><failure message="x" /></testcase>
            <testcase classname="Phase4Tests.Phase4Tests" name="c()" time="1.0"><skipped message="no Citus" \
            /></testcase>
            </testsuite></testsuites>
            """
        let log = """
            ✔ Suite "Phase 1: regular tables (baseline)" passed after 14.25 seconds.
            ━ Test "The schema matches" recorded a known issue at Phase4Tests.swift:74:43: Expectation failed
            ✘ Suite "Phase 4: undistribute (consolidate)" failed after 2.5 seconds with 1 issue.
            ✔ Suite "Something else" passed after 100 seconds.
            """
        try writePair(folder, label: "pg18", status: "failed", junit: junit, log: log)
        try writePair(folder, label: "pg16", status: "passed", junit: junit, log: "")
        try writePair(folder, label: "pg99", status: "not run", junit: nil, log: "")
        let report = try MatrixReport(reports: folder)
        #expect(report.pairs.map(\.label) == ["pg16", "pg18", "pg99"])
        let pg18 = try #require(report.pairs.first { $0.label == "pg18" })
        #expect((pg18.passed, pg18.failed, pg18.skipped) == (1, 1, 1))
        #expect(pg18.lifecycleSeconds == 16.75)
        #expect(pg18.knownIssues == ["The schema matches"])
        #expect(report.knownIssuesThatDiffer.map(\.issue) == ["The schema matches"])
        #expect(report.knownIssuesThatDiffer.first?.on == ["pg18"])
        #expect(report.failed)
        #expect(report.markdown.contains("| pg99 | 18.6 | 14.0-1 | lifecycle | not run"))
    }

    @Test("A run where every pair passed is not failed; one where none ran is")
    func failedWhenNothingRan() {
        var pair = MatrixReport.Pair(
            .init(
                label: "pg16", bindir: "/b", postgres: "16.2", citus: "13.2-1", scope: "test",
                status: "passed", wallSeconds: 1, reason: ""))
        #expect(!MatrixReport(pairs: [pair]).failed)
        pair.status = "not run"
        #expect(MatrixReport(pairs: [pair]).failed)
    }

    @Test("The docs' matrix block shows a passing matrix's pairs and refuses a failed one")
    func docFigure() throws {
        var pair = MatrixReport.Pair(
            .init(
                label: "pg18", bindir: "/b", postgres: "18.6", citus: "14.0-1", scope: "test",
                status: "passed", wallSeconds: 367, reason: ""))
        pair.passed = 209
        pair.lifecycleSeconds = 120.4
        let lines = try DocFigures.Figure.matrix.render(
            try JSONEncoder().encode(MatrixReport(pairs: [pair])), source: "m.json")
        #expect(
            lines.contains("| 18.6 | 14.0-1 | test | 209 passed, 0 failed, 0 skipped | 120 s | 367 s |"), "\(lines)")
        pair.status = "failed"
        #expect(throws: FailedRunReport.self) {
            try DocFigures.Figure.matrix.render(try JSONEncoder().encode(MatrixReport(pairs: [pair])), source: "m.json")
        }
    }

    @Test("The report page shows every pair, a failed one in red, and the known issues seen on that pair only")
    func reportPageSection() {
        var pg18 = MatrixReport.Pair(
            .init(
                label: "pg18", bindir: "/b", postgres: "18.6", citus: "14.0-1", scope: "test",
                status: "failed", wallSeconds: 1, reason: ""))
        pg18.knownIssues = ["The schema matches"]
        let pg16 = MatrixReport.Pair(
            .init(
                label: "pg16", bindir: "/c", postgres: "16.2", citus: "", scope: "test",
                status: "not run", wallSeconds: 0, reason: "no Citus"))
        let pg15 = MatrixReport.Pair(
            .init(
                label: "pg15", bindir: "/d", postgres: "15.20", citus: "13.2-1", scope: "test",
                status: "passed", wallSeconds: 1, reason: ""))
        let html = ReportIndex.html(
            signoff: nil, bench: nil, chart: nil, matrix: MatrixReport(pairs: [pg15, pg18, pg16]))
        #expect(html.contains("<table id=\"matrix\">"))
        #expect(html.contains("<tr class=\"fail\"><td>18.6</td><td>14.0-1</td>"))
        #expect(html.contains("<td>The schema matches</td>"))
        #expect(html.contains("<td>not run: no Citus</td>"))
        #expect(!ReportIndex.html(signoff: nil, bench: nil, chart: nil).contains("id=\"matrix\""))
    }
}
