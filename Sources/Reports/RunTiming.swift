import ClusterFixtures
import Foundation

/// How long the last `make test` took on this machine, and where the time went, kept in
/// `reports/timing.json` so the next run can say at its start about how long it will take (a figure
/// measured here, never typed by hand).
public struct RunTiming: Codable, Sendable, Equatable {
    public struct Suite: Codable, Sendable, Equatable {
        public var suite: String
        public var seconds: Double
    }

    /// Wall time of the whole `swift test` run, build included.
    public var wallSeconds: Int
    /// When it ended (ISO 8601, UTC).
    public var finished: String
    public var passed: Int
    public var failed: Int
    public var skipped: Int
    /// Every suite's summed test time, the longest first.
    public var suites: [Suite]
    /// The run's exit status (non-zero: it failed, even where no single test did).
    public var status: Int32?

    /// Whether the run passed: a figure for the docs comes only from such a run.
    public var passedWhole: Bool { failed == 0 && (status ?? 0) == 0 }

    public init(results: JUnitResults, wallSeconds: Int, status: Int32 = 0, finished: Date = Date()) {
        self.status = status
        self.wallSeconds = wallSeconds
        self.finished = ISO8601DateFormatter().string(from: finished)
        let counts = results.counts
        passed = counts[.passed] ?? 0
        failed = counts[.failed] ?? 0
        skipped = counts[.skipped] ?? 0
        suites = results.secondsBySuite.map { Suite(suite: $0.suite, seconds: ($0.seconds * 10).rounded() / 10) }
    }

    public static func read(from url: URL) -> RunTiming? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(RunTiming.self, from: data)
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: url)
    }

    /// `4 min 12 s`.
    public static func text(seconds: Int) -> String {
        seconds >= 60 ? "\(seconds / 60) min \(seconds % 60) s" : "\(seconds) s"
    }

    /// The line `make test` prints before it starts.
    public var announcement: String {
        "the last run on this machine took \(Self.text(seconds: wallSeconds)) "
            + "(\(passed) passed, \(failed) failed, \(skipped) skipped, "
            + "ended \(finished)); longest: "
            + suites.prefix(4).map { "\($0.suite.split(separator: ".").last ?? "") \(Int($0.seconds)) s" }.joined(
                separator: ", ")
    }

    /// Where the time went: one line per suite of `limit`, the longest first.
    public func breakdown(limit: Int = 8) -> [String] {
        suites.prefix(limit).map { String(format: "  %6.1f s  %@", $0.seconds, $0.suite) }
    }
}
