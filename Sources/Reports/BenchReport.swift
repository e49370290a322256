import ClusterFixtures
import Foundation

/// What `citus-verify bench` measured: query latencies in each lifecycle stage, the duration of
/// each lifecycle operation, the load generator's throughput, and anchors measured in the same run
/// (pgbench, psql \copy) with their ratios.
public struct BenchReport: Codable, Sendable {
    public struct QueryLatency: Codable, Sendable {
        public var stage: String
        public var query: String
        public var latency: LatencySummary
        public init(stage: String, query: String, latency: LatencySummary) {
            self.stage = stage
            self.query = query
            self.latency = latency
        }
    }

    public struct OperationTime: Codable, Sendable {
        public var operation: String
        public var seconds: Double
        public init(operation: String, seconds: Double) {
            self.operation = operation
            self.seconds = seconds
        }
    }

    /// Ours against a reference tool doing the same work on the same cluster in the same run.
    public struct Anchor: Codable, Sendable {
        public var name: String
        public var unit: String
        public var ours: Double
        public var reference: Double
        public var referenceTool: String
        public init(name: String, unit: String, ours: Double, reference: Double, referenceTool: String) {
            self.name = name
            self.unit = unit
            self.ours = ours
            self.reference = reference
            self.referenceTool = referenceTool
        }
        /// ours / reference: above 1 means ours did more per second.
        public var ratio: Double { reference > 0 ? ours / reference : 0 }

        /// Its row of a side-by-side table (measure, citus-verify, reference, ratio).
        var markdownRow: String {
            String(
                format: "| %@ | %.0f %@ | %.0f %@ (%@) | %.2f |", name, ours, unit, reference, unit, referenceTool,
                ratio)
        }
    }

    public var date: Date
    public var environment: [String]
    public var queries: [QueryLatency] = []
    public var operations: [OperationTime] = []
    public var anchors: [Anchor] = []
    /// The seed load's time per step, each side of its comparison.
    public var seedLoadSteps: SeedLoadSteps?
    /// Where the writers' transaction time goes, each side of each load mix.
    public var loadBreakdown: [LoadBreakdown] = []
    /// The writers' figures in each online operation, and under the fault run.
    public var availability: [AvailabilityRecord] = []
    /// What the fault run found, or why it did not run.
    public var faultNotes: [String] = []
    /// The last `make bench-lifecycle` (`lifecycle.json` beside this report), when there is one:
    /// shown with its own date, since it is another run.
    public var lifecycle: LifecycleBenchReport?
    /// The seed load against psql at each scale the last `make bench-scale` compared (`scale.json`
    /// beside this report), likewise another run.
    public var seedLoadByScale: [Anchor] = []

    enum CodingKeys: String, CodingKey {
        case date, environment, queries, operations, anchors, seedLoadSteps, loadBreakdown, availability, faultNotes
        case lifecycle, seedLoadByScale
    }

    /// Reads reports written before `seedLoadSteps`, `loadBreakdown`, `availability` and `faultNotes`
    /// were kept, too (the page shows the last benchmark, whichever version wrote it).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        date = try container.decode(Date.self, forKey: .date)
        environment = try container.decode([String].self, forKey: .environment)
        queries = try container.decode([QueryLatency].self, forKey: .queries)
        operations = try container.decode([OperationTime].self, forKey: .operations)
        anchors = try container.decode([Anchor].self, forKey: .anchors)
        loadBreakdown = try container.decodeIfPresent([LoadBreakdown].self, forKey: .loadBreakdown) ?? []
        seedLoadSteps = try container.decodeIfPresent(SeedLoadSteps.self, forKey: .seedLoadSteps)
        availability = try container.decodeIfPresent([AvailabilityRecord].self, forKey: .availability) ?? []
        faultNotes = try container.decodeIfPresent([String].self, forKey: .faultNotes) ?? []
        lifecycle = try container.decodeIfPresent(LifecycleBenchReport.self, forKey: .lifecycle)
        seedLoadByScale = try container.decodeIfPresent([Anchor].self, forKey: .seedLoadByScale) ?? []
    }

    /// The other benchmarks' last figures from the folder this report is written to: the
    /// lifecycle's (`lifecycle.json`) and the seed load at each scale (`scale.json`). A file that is
    /// missing leaves its section out; one that cannot be read is an error naming it.
    public mutating func addOtherBenchmarks(from folder: URL) throws {
        let lifecycleFile = folder.appendingPathComponent("lifecycle.json")
        if let data = FileManager.default.contents(atPath: lifecycleFile.path) {
            lifecycle = try LifecycleBenchReport.decode(data, source: lifecycleFile.path, bothSides: false)
        }
        let scaleFile = folder.appendingPathComponent("scale.json")
        if let data = FileManager.default.contents(atPath: scaleFile.path) {
            guard let scale = try? JSONDecoder().decode(ScaleReport.self, from: data) else {
                throw ReportFileError(path: scaleFile.path, problem: "not a scale report (written by make bench-scale)")
            }
            seedLoadByScale = scale.steps.compactMap { step in
                step.copyComparison.map {
                    Anchor(
                        name: "seed load, scale \(step.scale)", unit: $0.unit, ours: $0.ours, reference: $0.reference,
                        referenceTool: $0.referenceTool)
                }
            }
        }
    }

    public init(date: Date = Date(), environment: [String]) {
        self.date = date
        self.environment = environment
    }

    public var stages: [String] { queries.map(\.stage).reduce(into: []) { if !$0.contains($1) { $0.append($1) } } }
    public var queryNames: [String] { queries.map(\.query).reduce(into: []) { if !$0.contains($1) { $0.append($1) } } }

    public func latency(_ query: String, in stage: String) -> LatencySummary? {
        queries.first { $0.query == query && $0.stage == stage }?.latency
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// One row per measurement: kind, stage or operation, name, latency percentiles, value, unit.
    /// RFC 4180 quoting (CSV.swift's writer): stage names such as "distributed, 2 workers" hold
    /// commas, and a spreadsheet or `csv.reader` must see one field, not two.
    public var csv: String {
        let header = ["kind", "stage", "name", "p50_ms", "p95_ms", "p99_ms", "max_ms", "value", "unit"]
        var rows: [[String]] = []
        func number(_ value: Double) -> String { String(format: "%.3f", value) }
        for q in queries {
            rows.append([
                "query", q.stage, q.query, number(q.latency.p50), number(q.latency.p95), number(q.latency.p99),
                number(q.latency.max), "", "ms",
            ])
        }
        for o in operations { rows.append(["operation", "", o.operation, "", "", "", "", number(o.seconds), "s"]) }
        for a in anchors {
            rows.append(["anchor", "", a.name, "", "", "", "", number(a.ours), a.unit])
            rows.append(["anchor", "", "\(a.name) (\(a.referenceTool))", "", "", "", "", number(a.reference), a.unit])
        }
        // Availability: the stage column holds the fault ("" in a normal run).
        for r in availability {
            rows.append([
                "longest write stall", r.fault ?? "", r.operation, "", "", "", "",
                r.longestWriteStall.map(number) ?? "", "s",
            ])
            rows.append([
                "outcomes in doubt", r.fault ?? "", r.operation, "", "", "", "", "\(r.inDoubt)", "transactions",
            ])
            rows.append([
                "write errors", r.fault ?? "", r.operation, "", "", "", "", "\(r.errorsBySQLState.values.reduce(0, +))",
                r.errorsText,
            ])
        }
        return CSVText.render(header: header, rows: rows)
    }

    public var markdown: String {
        var out = ["# citus-verify benchmark", "", "Measured \(ISO8601DateFormatter().string(from: date)).", ""]
        out += environment.map { "- \($0)" } + ["", "![Query latency per stage](bench.svg)", ""]
        out += ["## Query latency (ms, p50 / p95 / p99)", ""]
        out.append("| query | " + stages.joined(separator: " | ") + " |")
        out.append("|---|" + stages.map { _ in "---:|" }.joined())
        for query in queryNames {
            let cells = stages.map { stage in
                latency(query, in: stage).map { String(format: "%.2f / %.2f / %.2f", $0.p50, $0.p95, $0.p99) } ?? "-"
            }
            out.append("| \(query) | " + cells.joined(separator: " | ") + " |")
        }
        out += ["", "## Lifecycle operations", "", "| operation | seconds |", "|---|---:|"]
        out += operations.map { String(format: "| %@ | %.2f |", $0.operation, $0.seconds) }
        out += [
            "", "## Side by side, same cluster, same run", "", "| measure | citus-verify | reference | ratio |",
            "|---|---:|---:|---:|",
        ]
        out += anchors.map(\.markdownRow)
        if !seedLoadByScale.isEmpty {
            out += [
                "", "## The seed load at every scale (the last `make bench-scale`, another run)", "",
                "| measure | citus-verify | reference | ratio |", "|---|---:|---:|---:|",
            ]
            out += seedLoadByScale.map(\.markdownRow)
        }
        if let lifecycle {
            out += ["", "## The lifecycle from a stopped cluster (the last `make bench-lifecycle`, another run)", ""]
            out += lifecycle.summaryLines
            out.append("Measured by the run that ended \(lifecycle.finished).")
        }
        if let seedLoadSteps {
            out += ["", "## The seed load, step by step", ""] + seedLoadSteps.markdownTable
        }
        if !loadBreakdown.isEmpty {
            out +=
                [
                    "", "## Where a writer transaction's time goes", "",
                    """
                    Per transaction, each side of each load mix above. Round trips: exchanges with the server \
                    (statements sent, every reply read). The load generator times each exchange: waiting on the \
                    server is sending to the last reply, summed; between calls is the rest of each connection's \
                    time (building the statement, recording the ledger, pacing). Client CPU is the client \
                    process's user and system time over the run.
                    """, "",
                ] + LoadBreakdown.markdownTable(loadBreakdown)
        }
        let normal = availability.filter { $0.fault == nil }
        let faulted = availability.filter { $0.fault != nil }
        if !normal.isEmpty {
            out +=
                ["", "## Availability during the online operations (writers running)", ""]
                + AvailabilityRecord.markdownTable(normal, faults: false)
        }
        if !faulted.isEmpty {
            out +=
                ["", "## Availability under an injected fault", ""]
                + AvailabilityRecord.markdownTable(faulted, faults: true)
        }
        if !faultNotes.isEmpty { out += [""] + faultNotes.map { "- \($0)" } }
        out += ["", "The chart `bench.svg` shows the p50 latencies side by side per stage."]
        return out.joined(separator: "\n") + "\n"
    }

    /// Grouped bars: one group per query, one bar per stage, p50 latency on a log scale.
    public var svg: String {
        let stages = self.stages
        let queries = queryNames
        let colors = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"]
        let width = 900.0
        let height = 420.0
        let left = 70.0
        let bottom = 330.0
        let top = 40.0
        let values = self.queries.map(\.latency.p50).filter { $0 > 0 }
        let lo = log10(max(0.01, values.min() ?? 0.1) / 2)
        let hi = log10((values.max() ?? 10) * 2)
        func y(_ ms: Double) -> Double { bottom - (log10(max(ms, 0.01)) - lo) / (hi - lo) * (bottom - top) }
        let group = (width - left - 20) / Double(max(queries.count, 1))
        let bar = group * 0.8 / Double(max(stages.count, 1))
        var parts = [
            """
            <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" \
            font-family=\"sans-serif\" font-size=\"11\">
            """,
            "<text x=\"\(left)\" y=\"20\" font-size=\"14\">p50 query latency by lifecycle stage (ms, log scale)</text>",
            "<line x1=\"\(left)\" y1=\"\(bottom)\" x2=\"\(width - 10)\" y2=\"\(bottom)\" stroke=\"#333\"/>",
        ]
        var tick = pow(10, floor(lo))
        while log10(tick) <= hi {
            if log10(tick) >= lo {
                parts.append(
                    String(
                        format:
                            """
                            <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text \
                            x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>
                            """,
                        left, y(tick), width - 10, y(tick), left - 6, y(tick) + 4, tick))
            }
            tick *= 10
        }
        for (qi, query) in queries.enumerated() {
            let x0 = left + Double(qi) * group + group * 0.1
            for (si, stage) in stages.enumerated() {
                guard let ms = latency(query, in: stage)?.p50 else { continue }
                let x = x0 + Double(si) * bar
                parts.append(
                    String(
                        format:
                            """
                            <rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\"><title>%@, %@: \
                            %.2f ms</title></rect>
                            """,
                        x, y(ms), bar - 2, bottom - y(ms), colors[si % colors.count], query, stage, ms))
            }
            parts.append(
                String(
                    format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>", x0 + group * 0.4,
                    bottom + 16, query))
        }
        for (si, stage) in stages.enumerated() {
            let x = left + Double(si) * 200
            parts.append(
                String(
                    format:
                        """
                        <rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%@\"/><text x=\"%.1f\" \
                        y=\"%.1f\">%@</text>
                        """,
                    x, height - 40, colors[si % colors.count], x + 16, height - 30, stage))
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }
}
