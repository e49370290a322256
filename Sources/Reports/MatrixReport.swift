import ClusterFixtures
import Foundation

/// The suite on every server with Citus (`make matrix`): one row per pair with its versions, its
/// tests' outcomes, the lifecycle's time and the known issues it recorded, read from each pair's
/// own reports (`pair.json` written by `scripts/matrix.sh`, the JUnit file and lane logs of its run).
public struct MatrixReport: Codable, Sendable {
    public struct Pair: Codable, Sendable {
        public var label: String
        public var bindir: String
        public var postgres: String
        /// Citus's version as installed for this server (`citus.control`), empty when none is.
        public var citus: String
        /// `test` (every suite) or `lifecycle` (unit tests and Phases 1-4).
        public var scope: String
        /// `passed`, `failed` or `not run`.
        public var status: String
        public var wallSeconds: Int
        /// Why it did not run, or how it failed.
        public var reason: String
        /// When the pair's run ended (UTC, ISO 8601): pairs can be run again one at a time.
        public var finished: String?
        public var passed = 0, failed = 0, skipped = 0
        /// Seconds the Phase 1-4 suites took together, their setup (the lifecycle's steps) included.
        public var lifecycleSeconds = 0.0
        /// The tests that recorded a known issue.
        public var knownIssues: [String] = []

        /// What `scripts/matrix.sh` writes to `pair.json`; the figures come from the run's own files.
        struct Record: Decodable {
            var label, bindir, postgres, citus, scope, status: String
            var wallSeconds: Int
            var reason: String
            var finished: String?
        }

        init(_ record: Record) {
            (label, bindir, postgres, citus, scope, status) = (
                record.label, record.bindir, record.postgres, record.citus, record.scope, record.status
            )
            (wallSeconds, reason, finished) = (record.wallSeconds, record.reason, record.finished)
        }
    }

    public var pairs: [Pair]

    public init(pairs: [Pair]) { self.pairs = pairs }

    /// Reads `<reports>/matrix/<label>/` for every pair the run wrote, in the order they ran.
    public init(reports: URL) throws {
        let folder = reports.appendingPathComponent("matrix")
        let labels = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        var pairs: [Pair] = []
        for label in labels {
            let pairFile = folder.appendingPathComponent(label).appendingPathComponent("pair.json")
            guard FileManager.default.fileExists(atPath: pairFile.path) else { continue }
            var pair: Pair
            do { pair = Pair(try JSONDecoder().decode(Pair.Record.self, from: Data(contentsOf: pairFile))) } catch {
                throw ReportFileError(path: pairFile.path, problem: "not a pair record of scripts/matrix.sh: \(error)")
            }
            let junit = folder.appendingPathComponent(label).appendingPathComponent("junit-swift-testing.xml")
            if pair.status != "not run", FileManager.default.fileExists(atPath: junit.path) {
                let results = try JUnitResults(contentsOf: junit)
                pair.passed = results.counts[.passed, default: 0]
                pair.failed = results.counts[.failed, default: 0]
                pair.skipped = results.counts[.skipped, default: 0]
                let logs = Self.outputLogs(under: folder.appendingPathComponent(label).appendingPathComponent("lanes"))
                pair.lifecycleSeconds = Self.phaseSuiteSeconds(in: logs)
                pair.knownIssues = Self.knownIssues(in: logs)
            } else if pair.status != "not run" {
                pair.reason += pair.reason.isEmpty ? "no JUnit file: the run did not finish" : "; no JUnit file"
            }
            pairs.append(pair)
        }
        self.pairs = pairs
    }

    /// The text of every lane's `output.log` under `lanes`.
    static func outputLogs(under lanes: URL) -> [String] {
        let names = (FileManager.default.enumerator(atPath: lanes.path)?.allObjects as? [String] ?? []).filter {
            $0.hasSuffix("output.log")
        }
        return names.compactMap { try? String(contentsOf: lanes.appendingPathComponent($0), encoding: .utf8) }
    }

    /// `Test "…" recorded a known issue at …` lines of Swift Testing's output, by test name.
    static func knownIssues(in logs: [String]) -> [String] {
        let names = logs.flatMap { $0.split(separator: "\n") }.compactMap { line in
            line.firstMatch(of: /Test "(.+?)" recorded a known issue/).map { String($0.1) }
        }
        return Set(names).sorted()
    }

    /// The Phase 1-4 suites' own durations (`Suite "Phase 2: …" passed after 4.282 seconds`): they
    /// include each suite's setup, where the lifecycle's steps run, which the JUnit file's test
    /// times leave out.
    static func phaseSuiteSeconds(in logs: [String]) -> Double {
        logs.flatMap { $0.split(separator: "\n") }.compactMap { line -> Double? in
            line.firstMatch(of: /Suite "Phase [1-4]:[^"]*" (?:passed|failed) after ([0-9.]+) seconds/).flatMap {
                Double($0.1)
            }
        }.reduce(0, +)
    }

    /// Known issues seen on some pairs that ran but not on all of them: what differs by version.
    public var knownIssuesThatDiffer: [(issue: String, on: [String])] {
        let ran = pairs.filter { $0.status != "not run" }
        let all = Set(ran.flatMap(\.knownIssues))
        return all.sorted().compactMap { issue in
            let on = ran.filter { $0.knownIssues.contains(issue) }.map(\.label)
            return on.count == ran.count ? nil : (issue, on)
        }
    }

    public var failed: Bool { pairs.contains { $0.status == "failed" } || pairs.allSatisfy { $0.status == "not run" } }

    public var markdown: String {
        var lines = [
            "# The suite per PostgreSQL and Citus pair", "",
            """
            | pair | PostgreSQL | Citus (extension) | scope | result | passed | failed | skipped | lifecycle \
            (Phases 1-4) | wall | finished |
            """,
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for p in pairs {
            let result =
                p.status == "not run"
                ? "not run: \(p.reason)" : (p.reason.isEmpty ? p.status : "\(p.status): \(p.reason)")
            let ran = p.status != "not run"
            lines.append(
                "| \(p.label) | \(p.postgres) | \(p.citus.isEmpty ? "none" : p.citus) | \(p.scope) | \(result) | "
                    + (ran
                        ? """
                        \(p.passed) | \(p.failed) | \(p.skipped) | \
                        \(String(format: "%.0f s", p.lifecycleSeconds)) | \(p.wallSeconds) s |
                        """
                        : "- | - | - | - | - |") + " \(p.finished ?? "-") |")
        }
        lines += ["", "## Known issues recorded", ""]
        for p in pairs where p.status != "not run" {
            lines.append("- \(p.label): " + (p.knownIssues.isEmpty ? "none" : p.knownIssues.joined(separator: "; ")))
        }
        lines += ["", "## Known issues that differ between pairs", ""]
        let differ = knownIssuesThatDiffer
        lines +=
            differ.isEmpty
            ? ["None: every pair that ran recorded the same known issues."]
            : differ.map { "- \($0.issue): only on \($0.on.joined(separator: ", "))" }
        lines += ["", "Server folders: " + pairs.map { "\($0.label) \($0.bindir)" }.joined(separator: "; "), ""]
        return lines.joined(separator: "\n")
    }
}
