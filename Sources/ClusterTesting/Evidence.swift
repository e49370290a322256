import ClusterFixtures
import Foundation
import Testing

/// What a test saw that proves its checklist line: counts, shards per node, EXPLAIN lines,
/// checksums, ledger figures, durations. Tests call `Evidence.note(...)`; the `.proves(...)` trait
/// collects the notes and writes them, with the test's identity, to the claims file the sign-off
/// reads. Outside a `.proves` test a note goes nowhere.
public final class Evidence: @unchecked Sendable {
    @TaskLocal static var current: Evidence?

    private let lock = NSLock()
    private var lines: [String] = []
    private var records: [AvailabilityRecord] = []
    private var known: [String] = []

    init() {}

    /// Records `line` as evidence of the running test.
    public static func note(_ line: String) {
        guard let current else { return }
        current.lock.withLock { current.lines.append(line) }
    }

    /// Records how the writers fared during an operation of the running test: the figures the
    /// sign-off's availability tables are made of (normal runs and fault scenarios alike).
    public static func availability(_ record: AvailabilityRecord) {
        guard let current else { return }
        current.lock.withLock { current.records.append(record) }
    }

    /// Records a known issue the running test saw (`recordingKnownIssue` calls it for each issue it
    /// absorbs): the sign-off lists it under "Known issues seen in this run", with the cluster's
    /// versions, so whoever signs knows which defects of Citus or PostgreSQL this run met. What was
    /// seen (the issue's comments, or the error the body threw) is kept on one line: the sign-off
    /// lists one issue a line.
    static func knownIssue(_ comment: Comment, seen comments: [Comment], error: (any Error)?) {
        guard let current else { return }
        let seen = (comments.map(\.rawValue) + [error.map { "\($0)" }].compactMap { $0 })
            .joined(separator: "; ").split(whereSeparator: \.isNewline).joined(separator: " ")
        let line = comment.rawValue + (seen.isEmpty ? "" : ": \(seen)")
        current.lock.withLock { current.known.append(line) }
    }

    var notes: [String] { lock.withLock { lines } }
    var knownIssues: [String] { lock.withLock { known } }
    var availability: [AvailabilityRecord] { lock.withLock { records } }
}
