import ClusterFixtures
import Foundation

/// `reports/index.html`: the one page a person looks at after a run. A verdict banner, the
/// cluster, availability per operation, the checklist with ticks and evidence, the benchmark with its chart
/// inline. Built from whatever the last `make signoff` and `make bench` left (`signoff.json`,
/// `bench/bench.json`, `bench/bench.svg`); a part that is missing says so on the page.
/// Plain HTML with inline CSS and no script: it opens from a file, in a browser or a mail.
public enum ReportIndex {
    /// What `citus-verify signoff` keeps for the page, beside signoff.md.
    public struct SignoffSummary: Codable, Sendable {
        public struct Line: Codable, Sendable {
            public var label: String
            public var ticked: Bool
            public var reason: String?
            public var proof: [String]
            public init(label: String, ticked: Bool, reason: String?, proof: [String]) {
                self.label = label
                self.ticked = ticked
                self.reason = reason
                self.proof = proof
            }
        }
        public var date: Date
        public var complete: Bool
        public var passed: Int, failed: Int, skipped: Int
        public var cluster: [String]
        public var lines: [Line]
        /// The normal run's availability per operation (nil in files written before it was kept:
        /// the page then reads the evidence lines).
        public var availability: [AvailabilityRecord]?
        /// Each fault scenario's result and the writers' figures under it.
        public var faults: [Fault]?
        /// The known issues of Citus or PostgreSQL the run met, as `Signoff.knownIssues` (nil in files
        /// written before they were kept).
        public var knownIssues: [String]?

        public struct Fault: Codable, Sendable {
            public var name: String
            public var result: String
            public var records: [AvailabilityRecord]
            public init(name: String, result: String, records: [AvailabilityRecord]) {
                self.name = name
                self.result = result
                self.records = records
            }
        }

        public init(
            date: Date, complete: Bool, passed: Int, failed: Int, skipped: Int, cluster: [String], lines: [Line],
            availability: [AvailabilityRecord]? = nil, faults: [Fault]? = nil, knownIssues: [String]? = nil
        ) {
            self.date = date
            self.complete = complete
            self.passed = passed
            self.failed = failed
            self.skipped = skipped
            self.cluster = cluster
            self.lines = lines
            self.availability = availability
            self.faults = faults
            self.knownIssues = knownIssues
        }
    }

    /// One row of the availability table, read from the writers' evidence lines
    /// ("rebalance: writes hit 2 of 2 shard groups moved; longest write gap 0.05 s; in doubt 0; errors by SQLSTATE:
    /// none", `LedgerCheck.availabilityLine`; lines written before "in doubt" was added are read too).
    public struct Availability: Sendable, Equatable {
        public var operation: String
        public var coverage: String
        public var longestGapSeconds: Double
        /// Transactions whose outcome the writer could not know (nil in older lines).
        public var inDoubt: Int?
        public var errors: String

        public init(operation: String, coverage: String, longestGapSeconds: Double, inDoubt: Int?, errors: String) {
            self.operation = operation
            self.coverage = coverage
            self.longestGapSeconds = longestGapSeconds
            self.inDoubt = inDoubt
            self.errors = errors
        }
    }

    public static func summary(of signoff: Signoff) -> SignoffSummary {
        let counts = signoff.results.counts
        return SignoffSummary(
            date: signoff.date, complete: signoff.isComplete, passed: counts[.passed] ?? 0,
            failed: counts[.failed] ?? 0, skipped: counts[.skipped] ?? 0, cluster: signoff.cluster,
            lines: signoff.verdicts.map {
                .init(label: $0.label, ticked: $0.ticked, reason: $0.reason, proof: $0.proof)
            },
            availability: signoff.availability,
            faults: signoff.faultScenarios.map { .init(name: $0.name, result: $0.result, records: $0.records) },
            knownIssues: signoff.knownIssues.map { "\($0.issue) (\($0.test))" })
    }

    /// Availability rows from evidence lines, first occurrence of each operation.
    public static func availability(in lines: [String]) -> [Availability] {
        // A multi-line literal is in extended syntax: whitespace is ignored, and `\ ` is a space.
        let pattern =
            #/
            ^\s*(.+?):\ writes\ hit\ (\d+\ of\ \d+)\ shard\ groups\ moved;
            \ longest\ write\ gap\ ([0-9.]+)\ s;(?:\ in\ doubt\ (\d+);)?\ errors\ by\ SQLSTATE:\ (.*)$
            /#
        var rows: [Availability] = []
        for line in lines {
            guard let match = line.wholeMatch(of: pattern), !rows.contains(where: { $0.operation == String(match.1) })
            else { continue }
            rows.append(
                Availability(
                    operation: String(match.1), coverage: String(match.2),
                    longestGapSeconds: Double(match.3) ?? 0, inDoubt: match.4.flatMap { Int($0) },
                    errors: String(match.5)))
        }
        return rows
    }

    /// The page. `signoff` nil: no sign-off run yet; `bench`/`chart` nil: no benchmark yet.
    public static func html(signoff: SignoffSummary?, bench: BenchReport?, chart: String?, matrix: MatrixReport? = nil)
        -> String
    {
        var body: [String] = []
        if let signoff {
            let verdict = signoff.complete ? "COMPLETE: every verification line proved" : "NOT COMPLETE"
            let ticked = signoff.lines.filter(\.ticked).count
            body.append(
                """
                <div id="verdict" class="banner \(signoff.complete ? "pass" : "fail")">\(escape(verdict))<br>
                <small>\(ticked) of \(signoff.lines.count) verification lines proved; tests: \(signoff.passed) passed, \
                \(signoff.failed) failed, \(signoff.skipped) skipped; \
                \(escape(ISO8601DateFormatter().string(from: signoff.date)))</small></div>
                """)
            body.append("<h2>Cluster</h2><ul>" + signoff.cluster.map { "<li>\(escape($0))</li>" }.joined() + "</ul>")
            body.append("<h2>Availability per operation</h2>")
            if let records = signoff.availability {
                body.append(
                    records.isEmpty
                        ? "<p>No writer evidence in this sign-off.</p>"
                        : recordTable(records, id: "availability", faults: nil))
            } else {
                // A signoff.json from before the figures were kept: read the evidence lines.
                let rows = availability(in: signoff.lines.flatMap(\.proof))
                if rows.isEmpty {
                    body.append("<p>No writer evidence in this sign-off.</p>")
                } else {
                    body.append(
                        """
                        <table id=\"availability\"><tr><th>operation</th><th>shard groups moved that writes \
                        hit</th><th>longest write stall (s)</th><th>outcomes in doubt</th><th>errors by \
                        SQLSTATE</th></tr>
                        """
                            + rows.map {
                                "<tr><td>\(escape($0.operation))</td><td>\(escape($0.coverage))</td>"
                                    + "<td class=\"n\">\(String(format: "%.2f", $0.longestGapSeconds))</td>"
                                    + "<td class=\"n\">\($0.inDoubt.map(String.init) ?? "-")</td>"
                                    + "<td>\(escape($0.errors))</td></tr>"
                            }.joined()
                            + "</table>")
                }
            }
            if let faults = signoff.faults {
                body.append("<h2>Fault scenarios</h2>")
                if faults.isEmpty {
                    body.append("<p>No fault scenario ran in this run (they need the embedded cluster).</p>")
                } else {
                    let passed = faults.filter { $0.result == "passed" }.count
                    body.append("<p>\(faults.count) scenarios, \(passed) passed.</p>")
                    let rows = faults.flatMap { fault in fault.records.map { (fault.result, $0) } }
                    body.append(recordTable(rows.map(\.1), id: "faults", faults: rows.map(\.0)))
                }
            }
            if let known = signoff.knownIssues {
                body.append("<h2>Known issues seen in this run</h2>")
                body.append(
                    known.isEmpty
                        ? "<p>None.</p>"
                        : "<ul id=\"known-issues\">" + known.map { "<li>\(escape($0))</li>" }.joined() + "</ul>")
            }
            body.append("<h2>Checklist</h2><ul id=\"checklist\">")
            for line in signoff.lines {
                let mark = line.ticked ? "✔" : "✘"
                body.append(
                    """
                    <li class=\"\(line.ticked ? "ticked" : "unticked")\"><span class=\"mark\">\(mark)</span> \
                    \(escape(line.label))
                    """
                        + (line.reason.map { " <strong>not verified: \(escape($0))</strong>" } ?? "")
                            + """
                            <details><summary>evidence (\(line.proof.count) \
                            lines)</summary><pre>\(escape(line.proof.joined(separator: "\n")))</pre></details></li>
                            """
                )
            }
            body.append("</ul>")
        } else {
            body.append(
                "<div id=\"verdict\" class=\"banner none\">NO SIGN-OFF YET: run <code>make signoff</code></div>")
        }
        if let matrix {
            // One row per PostgreSQL and Citus pair of the last `make matrix`; a failed pair in red.
            body.append(
                """
                <h2>Versions</h2><table \
                id=\"matrix\"><tr><th>PostgreSQL</th><th>Citus</th><th>scope</th><th>result</th>
                """
                    + """
                    <th>passed</th><th>failed</th><th>skipped</th><th>lifecycle (s)</th><th>known issues only \
                    here</th></tr>
                    """
                    + matrix.pairs.map { p in
                        let only = matrix.knownIssuesThatDiffer.filter { $0.on.contains(p.label) }.map(\.issue)
                        let ran = p.status != "not run"
                        return
                            "<tr\(p.status == "failed" ? " class=\"fail\"" : "")><td>\(escape(p.postgres))</td>"
                            + "<td>\(escape(p.citus.isEmpty ? "none" : p.citus))</td>"
                            + "<td>\(escape(p.scope))</td><td>\(escape(ran ? p.status : "not run: \(p.reason)"))</td>"
                            + (ran
                                ? """
                                <td class=\"n\">\(p.passed)</td><td class=\"n\">\(p.failed)</td><td \
                                class=\"n\">\(p.skipped)</td>
                                """
                                    + "<td class=\"n\">\(String(format: "%.0f", p.lifecycleSeconds))</td>"
                                : "<td></td><td></td><td></td><td></td>")
                            + "<td>\(escape(only.joined(separator: "; ")))</td></tr>"
                    }.joined() + "</table>")
        }
        body.append("<h2>Benchmark</h2>")
        if let bench {
            body.append(
                "<p>Measured \(escape(ISO8601DateFormatter().string(from: bench.date))); "
                    + bench.environment.map(escape).joined(separator: "; ") + "</p>")
            if let chart { body.append("<figure id=\"chart\">\(chart)</figure>") }
            body.append(
                "<table id=\"operations\"><tr><th>operation</th><th>seconds</th></tr>"
                    + bench.operations.map {
                        """
                        <tr><td>\(escape($0.operation))</td><td \
                        class=\"n\">\(String(format: "%.2f", $0.seconds))</td></tr>
                        """
                    }.joined() + "</table>")
            body.append(
                "<table id=\"anchors\"><tr><th>measure</th><th>citus-verify</th><th>reference</th><th>ratio</th></tr>"
                    + bench.anchors.map {
                        """
                        <tr><td>\(escape($0.name))</td><td class=\"n\">\(String(format: "%.0f", $0.ours)) \
                        \(escape($0.unit))</td><td class=\"n\">\(escape($0.referenceTool)) \
                        \(String(format: "%.0f", $0.reference))</td><td \
                        class=\"n\">\(String(format: "%.2f", $0.ratio))</td></tr>
                        """
                    }.joined() + "</table>")
            if !bench.availability.isEmpty {
                body.append("<h3>Availability during the benchmark's operations</h3>")
                body.append(
                    recordTable(
                        bench.availability, id: "bench-availability", faults: nil,
                        faultColumn: bench.availability.contains { $0.fault != nil }))
            }
        } else {
            body.append("<p>No benchmark yet: run <code>make bench</code>.</p>")
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>citus-verify report</title>
            <style>
            body { font-family: sans-serif; margin: 2em auto; max-width: 90em; color: #1f2328; }
            .banner { font-size: 1.6em; font-weight: bold; padding: 0.8em 1em; border-radius: 6px; color: #fff; }
            .banner small { font-size: 0.55em; font-weight: normal; }
            .pass { background: #1a7f37; } .fail { background: #cf222e; } .none { background: #6e7781; }
            #checklist { list-style: none; padding-left: 0; } #checklist li { margin: 0.3em 0; }
            .ticked .mark { color: #1a7f37; } .unticked .mark { color: #cf222e; }
            details pre { white-space: pre-wrap; font-size: 0.85em; background: #f6f8fa; padding: 0.5em; }
            table { border-collapse: collapse; margin: 0.5em 0 1.5em; } \
            td, th { border: 1px solid #d0d7de; padding: 0.25em 0.6em; text-align: left; }
            td.n { text-align: right; } td.bad { color: #cf222e; font-weight: bold; }
            .scroll { overflow-x: auto; } .scroll table { font-size: 0.85em; }
            </style></head>
            <body><h1>citus-verify: migration report</h1>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    /// A table of availability records; with `faults` (each row's test result) or `faultColumn`,
    /// the fault column first, and with `faults` the result last. The coverage column only where a
    /// record measured it (faulted moves do not); the table scrolls sideways rather than overflow.
    static func recordTable(_ records: [AvailabilityRecord], id: String, faults: [String]?, faultColumn: Bool = false)
        -> String
    {
        let withFault = faults != nil || faultColumn
        let withCoverage = records.contains { $0.coverageText != "-" }
        let head =
            (withFault ? "<th>fault</th>" : "")
                + """
                <th>operation</th><th>outcome</th><th>writes acknowledged</th><th>longest write stall \
                (s)</th><th>outcomes in doubt</th><th>errors by SQLSTATE</th>
                """
            + (withCoverage ? "<th>shard groups moved that writes hit</th>" : "")
            + "<th>acknowledged writes lost or changed</th>"
            + (faults == nil ? "" : "<th>test</th>")
        let rows = records.enumerated().map { index, r in
            "<tr>" + (withFault ? "<td>\(escape(r.fault ?? "-"))</td>" : "")
                + """
                <td>\(escape(r.operation))</td><td>\(escape(r.outcome))</td><td \
                class=\"n\">\(r.acknowledged)</td><td class=\"n\">\(escape(r.stallText))</td>
                """
                + "<td class=\"n\">\(escape(r.inDoubtText))</td><td>\(escape(r.errorsText))</td>"
                + (withCoverage ? "<td>\(escape(r.coverageText))</td>" : "")
                + "<td class=\"n\(r.violations > 0 ? " bad" : "")\">\(r.violations)</td>"
                + (faults.map { "<td>\(escape($0.indices.contains(index) ? $0[index] : "-"))</td>" } ?? "") + "</tr>"
        }
        return "<div class=\"scroll\"><table id=\"\(id)\"><tr>\(head)</tr>" + rows.joined() + "</table></div>"
    }

    /// Writes `reports/index.html` from what `folder` holds (signoff.json, bench/bench.json, bench/bench.svg,
    /// matrix.json).
    @discardableResult
    public static func write(in folder: URL) throws -> URL {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let signoff = (try? Data(contentsOf: folder.appendingPathComponent("signoff.json"))).flatMap {
            try? decoder.decode(SignoffSummary.self, from: $0)
        }
        let bench = (try? Data(contentsOf: folder.appendingPathComponent("bench/bench.json"))).flatMap {
            try? decoder.decode(BenchReport.self, from: $0)
        }
        let chart = try? String(contentsOf: folder.appendingPathComponent("bench/bench.svg"), encoding: .utf8)
        let matrix = (try? Data(contentsOf: folder.appendingPathComponent("matrix.json"))).flatMap {
            try? decoder.decode(MatrixReport.self, from: $0)
        }
        let target = folder.appendingPathComponent("index.html")
        try html(signoff: signoff, bench: bench, chart: chart, matrix: matrix).write(
            to: target, atomically: true, encoding: .utf8)
        return target
    }

    public static func encode(_ summary: SignoffSummary) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(summary)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
