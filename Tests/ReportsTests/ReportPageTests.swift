import ClusterFixtures
import ClusterTesting
import Foundation
import Reports
import Testing

/// reports/index.html as a person sees it: rendered by a real headless browser (Debian's chromium),
/// its screenshot's pixels and its DOM checked. Skipped with the reason where chromium is not
/// installed, unless CITUS_VERIFY_REQUIRE_BROWSER=1 (.ci/run installs it and sets that).
@Suite(
    "reports/index.html: a real browser shows the verdict banner and the checklist",
    .enabled(
        if: HeadlessBrowser.path != nil || ProcessInfo.processInfo.environment["CITUS_VERIFY_REQUIRE_BROWSER"] == "1",
        """
        chromium is not installed (apt-get install chromium); set CITUS_VERIFY_REQUIRE_BROWSER=1 to make this a \
        failure
        """
    ))
struct ReportPageTests {
    static let green = "1a7f37", red = "cf222e"

    /// A sign-off as `citus-verify signoff` keeps it, with `ticked` of three lines proved.
    func summary(allProved: Bool) -> ReportIndex.SignoffSummary {
        let lines = ["Data distributed across workers", "Shards rebalanced", "No data loss during resharding"]
            .enumerated().map { index, label in
                ReportIndex.SignoffSummary.Line(
                    label: label, ticked: allProved || index < 2,
                    reason: allProved || index < 2 ? nil : "\"drain\" failed",
                    proof: [
                        "✔ \"a test\" (passed, 1.0 s)",
                        "  drain worker1: writes hit 3 of 3 shard groups moved; longest write gap 0.07 s; in doubt 2; "
                            + "errors by SQLSTATE: none",
                    ])
            }
        return .init(
            date: Date(), complete: allProved, passed: allProved ? 3 : 2, failed: allProved ? 0 : 1, skipped: 0,
            cluster: ["coordinator 127.0.0.1:9700"], lines: lines)
    }

    /// Renders `html` with the browser: the screenshot's banner colours in the top rows, and the DOM.
    func render(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (
        counts: [String: Int], dom: String
    ) {
        let browser = try #require(
            HeadlessBrowser.path, "chromium is required (CITUS_VERIFY_REQUIRE_BROWSER=1) but not installed",
            sourceLocation: sourceLocation)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "citus-verify-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("index.html")
        let shot = folder.appendingPathComponent("index.png")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,900"]
        let screenshot = try ChildProcess(browser, flags + ["--screenshot=\(shot.path)", page.absoluteString]).run(
            timeLimit: .seconds(120))
        try #require(
            screenshot.status == 0 && FileManager.default.fileExists(atPath: shot.path),
            "chromium: \(screenshot.errorOutput)", sourceLocation: sourceLocation)
        let colours = try ChildProcess(
            "/usr/bin/env",
            [
                "python3", ProjectLayout.root.appendingPathComponent("scripts/png-colours.py").path,
                shot.path, "250", Self.green, Self.red,
            ]
        ).run(timeLimit: .seconds(60))
        try #require(colours.status == 0, "png-colours.py: \(colours.errorOutput)", sourceLocation: sourceLocation)
        let parsed = try JSONSerialization.jsonObject(with: Data(colours.output.utf8)) as? [String: Any]
        let counts = try #require(parsed?["counts"] as? [String: Int], sourceLocation: sourceLocation)
        let dom = try ChildProcess(browser, flags + ["--dump-dom", page.absoluteString]).run(timeLimit: .seconds(120))
        try #require(dom.status == 0, "chromium --dump-dom: \(dom.errorOutput)", sourceLocation: sourceLocation)
        return (counts, dom.output)
    }

    @Test(
        """
        A complete sign-off renders a green banner saying COMPLETE, every checklist line ticked, and the \
        availability table
        """
    )
    func completePage() throws {
        let (counts, dom) = try render(ReportIndex.html(signoff: summary(allProved: true), bench: nil, chart: nil))
        #expect((counts[Self.green] ?? 0) > 20_000, "a green banner across the top of the page: \(counts)")
        #expect((counts[Self.red] ?? 0) == 0, "\(counts)")
        #expect(dom.contains("COMPLETE: every verification line proved"))
        #expect(dom.components(separatedBy: "<li class=\"ticked\">").count - 1 == 3, "three ticked checklist lines")
        #expect(dom.contains("<td>drain worker1</td>"), "availability per operation")
        #expect(
            dom.contains("<th>outcomes in doubt</th>") && dom.contains("<td class=\"n\">2</td>"),
            "the outcomes in doubt, per operation")
        #expect(dom.contains("No benchmark yet"), "the missing benchmark is said, not hidden")
    }

    @Test("An incomplete sign-off renders a red banner and names the line not verified")
    func incompletePage() throws {
        let (counts, dom) = try render(ReportIndex.html(signoff: summary(allProved: false), bench: nil, chart: nil))
        #expect((counts[Self.red] ?? 0) > 20_000, "a red banner: \(counts)")
        #expect((counts[Self.green] ?? 0) < 1_000, "no green banner (a tick mark's few pixels at most): \(counts)")
        #expect(dom.contains("NOT COMPLETE"))
        #expect(dom.contains("<li class=\"unticked\">") && dom.contains("not verified: \"drain\" failed"))
    }
}

/// Debian's chromium (or a Chrome) where installed.
enum HeadlessBrowser {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}

@Suite("Availability rows are read from the writers' evidence lines, old and new")
struct AvailabilityLineTests {
    @Test(
        "A line with the outcomes in doubt and one written before they were added both parse; other lines are ignored")
    func parsesBothForms() {
        let rows = ReportIndex.availability(in: [
            """
            rebalance: writes hit 2 of 2 shard groups moved; longest write gap 0.05 s; in doubt 3; errors by \
            SQLSTATE: 1× 08006 (\"x\")
            """,
            "  drain worker1: writes hit 4 of 4 shard groups moved; longest write gap 0.10 s; errors by SQLSTATE: none",
            "writes during rebalance: 10 orders acknowledged",
        ])
        #expect(
            rows == [
                .init(
                    operation: "rebalance", coverage: "2 of 2", longestGapSeconds: 0.05, inDoubt: 3,
                    errors: "1× 08006 (\"x\")"),
                .init(
                    operation: "drain worker1", coverage: "4 of 4", longestGapSeconds: 0.10, inDoubt: nil,
                    errors: "none"),
            ])
    }

    @Test(
        """
        With the figures kept in signoff.json, the page's tables come from them: operations, and fault scenarios \
        with their fault and result
        """
    )
    func tablesFromRecords() {
        let stall = AvailabilityRecord(
            operation: "rebalance", outcome: "completed", seconds: 3, acknowledged: 40, longestWriteStall: 0.5,
            inDoubt: 0, errorsBySQLState: [:], movedShardGroups: 2, coveredShardGroups: 2, violations: 0)
        var fault = stall
        fault.fault = "the coordinator crashed"
        fault.outcome = "failed: server closed the connection"
        fault.violations = 3
        let summary = ReportIndex.SignoffSummary(
            date: Date(), complete: false, passed: 1, failed: 1, skipped: 0, cluster: [], lines: [],
            availability: [stall], faults: [.init(name: "crash", result: "failed", records: [fault])])
        let html = ReportIndex.html(signoff: summary, bench: nil, chart: nil)
        #expect(
            html.contains("<table id=\"availability\">")
                && html.contains("<td>rebalance</td><td>completed</td><td class=\"n\">40</td>"))
        #expect(html.contains("<h2>Fault scenarios</h2>") && html.contains("<p>1 scenarios, 0 passed.</p>"))
        #expect(
            html.contains("<td>the coordinator crashed</td>") && html.contains("<td class=\"n bad\">3</td>")
                && html.contains("<td>failed</td></tr>"),
            "lost or changed writes stand out, and the test's result is shown")
        #expect(
            !html.contains("Known issues seen in this run"),
            "a sign-off written before known issues were kept shows no such section")
        var known = summary
        known.knownIssues = ["a late write (citusdata/citus#3780): w1-1 <invisible> (late())"]
        let listed = ReportIndex.html(signoff: known, bench: nil, chart: nil)
        #expect(
            listed.contains("<h2>Known issues seen in this run</h2>")
                && listed.contains(
                    """
                    <ul id=\"known-issues\"><li>a late write (citusdata/citus#3780): w1-1 &lt;invisible&gt; \
                    (late())</li></ul>
                    """
                ))
        known.knownIssues = []
        let none = ReportIndex.html(signoff: known, bench: nil, chart: nil)
        #expect(none.contains("<h2>Known issues seen in this run</h2>") && none.contains("<p>None.</p>"))
    }
}
