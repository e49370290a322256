import Foundation

/// Holds a logical shard move or split at an exact step, with the advisory locks Citus's own
/// isolation tests use: with `citus.running_under_citus_test_suite = on` in the session running the
/// move, Citus takes a share lock on advisory key (55152, 44000) right before the initial copy and
/// on (44000, 55152) right before catch-up and cutover (multi_logical_replication.c,
/// `ConflictWithIsolationTestingBeforeCopy` / `AfterCopy`). Holding the matching exclusive lock here
/// stops the move at that step until `release`, so a fault is injected there instead of after a
/// guessed sleep.
///
/// The setting is superuser-only and hidden; the suite turns it on only on its own embedded
/// cluster (the move's session for a single move, the suite's database for background jobs) and
/// off again afterwards (`enableForNewSessions`, `disableForNewSessions`).
public final class MovePause: @unchecked Sendable {
    public enum Point: String, Sendable, CaseIterable, CustomStringConvertible {
        case beforeCopy = "before copy"
        case beforeCutover = "before cutover"

        /// What `get_rebalance_progress()` says of the held move at this step: the evidence that
        /// the pause holds it where it claims to.
        public var citusStatus: String { self == .beforeCopy ? "Setting Up" : "Final Catchup" }

        /// The two keys of the advisory lock Citus waits on at this step.
        var keys: (Int32, Int32) { self == .beforeCopy ? (55152, 44000) : (44000, 55152) }
        public var description: String { rawValue }
    }

    /// The hidden, superuser-only setting that makes Citus take the locks; on only in the session
    /// running the move (or the suite's database, `enableForNewSessions`, for the moves Citus runs
    /// in sessions of its own).
    public static let setting = "citus.running_under_citus_test_suite"

    /// Turns the setting on for new sessions in the suite's database: Citus runs a background
    /// rebalance's moves in task executors, and `citus_drain_node` each move over a connection of
    /// its own to the coordinator (`citus.local_hostname`), never in the caller's session.
    /// `disableForNewSessions` turns it off again.
    public static func enableForNewSessions(on cluster: Cluster) throws {
        try cluster.coordinator.execute(
            "ALTER DATABASE \(SQLIdentifier.quote(cluster.configuration.database)) SET \(setting) = on")
    }

    public static func disableForNewSessions(on cluster: Cluster) throws {
        try cluster.coordinator.execute(
            "ALTER DATABASE \(SQLIdentifier.quote(cluster.configuration.database)) RESET \(setting)")
    }

    public let point: Point
    private let cluster: Cluster
    private let connection: Connection
    private var held = true

    /// Takes the lock on the coordinator, on a connection of its own; a move reaching `point`
    /// waits from now on.
    public init(_ point: Point, on cluster: Cluster) throws {
        self.point = point
        self.cluster = cluster
        connection = try cluster.connect("coordinator (move pause \(point))")
        try connection.query("SELECT pg_advisory_lock($1::int, $2::int)", [Int(point.keys.0), Int(point.keys.1)])
    }

    /// Waits (bounded) until a backend is blocked on this pause's lock: the move has reached the
    /// step. Returns that backend's pid.
    @discardableResult
    public func waitUntilReached(timeLimit: Duration = .seconds(60)) throws -> Int {
        let probe = try cluster.connect("coordinator (move pause probe)")
        defer { probe.close() }
        do {
            return try Polling.until(
                timeLimit: timeLimit, every: .milliseconds(50), what: "a shard move reaching \(point)"
            ) { () -> Int? in
                let rows = try probe.query(
                    """
                    SELECT pid FROM pg_locks
                    WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2 AND NOT granted
                    """, [Int(point.keys.0), Int(point.keys.1)]
                ).rows
                return try rows.first.map { try $0.get("pid", as: Int.self) }
            }
        } catch let timedOut as Polling.TimedOut {
            // What the coordinator's sessions were doing instead: the evidence for the report.
            let sessions =
                (try? probe.query(
                    """
                    SELECT pid, state, coalesce(wait_event_type || ':' || wait_event, '-') AS wait,
                           left(query, 120) AS query
                    FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
                    """
                ).rows.map { row in "\(row)" }) ?? []
            throw MovePauseNotReached(point: point, timedOut: timedOut, sessions: sessions)
        }
    }

    /// The status `get_rebalance_progress()` reports for `shard` while the move is held (nil when
    /// it lists no move of it).
    public func heldStatus(of shard: Int64) throws -> String? {
        // A connection of its own: the cluster's shared one is the watcher's while the move runs.
        let probe = try cluster.connect("coordinator (move pause status)")
        defer { probe.close() }
        return try probe.query(
            "SELECT status::text AS status FROM get_rebalance_progress() WHERE shardid = $1", [shard]
        ).rows
            .first.map { try $0.get("status", as: String.self) }
    }

    /// Lets the move go on (idempotent).
    public func release() {
        guard held else { return }
        held = false
        _ = try? connection.query(
            "SELECT pg_advisory_unlock($1::int, $2::int)", [Int(point.keys.0), Int(point.keys.1)])
        connection.close()
    }

    deinit { release() }
}

/// A move never reached the step it was to be held at; with what the coordinator's sessions were
/// doing instead.
public struct MovePauseNotReached: Error, CustomStringConvertible {
    public var point: MovePause.Point
    public var timedOut: Polling.TimedOut
    public var sessions: [String]
    public var description: String {
        "\(timedOut); active sessions on the coordinator: "
            + (sessions.isEmpty ? "none" : sessions.joined(separator: "; "))
    }
}
