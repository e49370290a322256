import Foundation

/// What a long Citus operation did: how long it took, what Citus's progress views showed while it
/// ran, and the results of its SQL file's statements.
public struct OperationReport: Sendable, CustomStringConvertible {
    public var name: String
    public var seconds: Double
    /// Each distinct progress line seen while polling, in the order first seen.
    public var progress: [String]
    /// The SQL file's results, by label.
    public var results: ScriptResults
    /// What the workers showed of logical replication while the operation ran.
    public var replication = ReplicationEvidence()
    /// The NOTICE and WARNING messages the operation's session received, in order.
    public var notices: [String] = []

    public var description: String {
        "\(name): \(String(format: "%.1f", seconds)) s, \(progress.count) progress observations; \(replication)"
    }
}

extension OperationReport {
    /// The shards a drain or rebalance run in the session moved, in the order it moved them: Citus
    /// sends `Moving shard N from host:port to host:port ...` as it starts each move of its plan,
    /// one per shard group, naming one shard of the group.
    public var shardsMoved: [Int64] { Self.shardsMoved(in: notices) }

    static func shardsMoved(in notices: [String]) -> [Int64] {
        notices.compactMap { notice in
            guard let start = notice.range(of: "Moving shard ") else { return nil }
            return Int64(notice[start.upperBound...].prefix { $0.isNumber })
        }
    }
}

/// Evidence, taken from the workers while an operation ran, that it moved data by logical
/// replication (online) rather than by a blocking copy: Citus's move and split replication slots
/// and subscriptions (`citus_shard_move_…`, `citus_shard_split_…`), and the transfer states
/// `get_rebalance_progress()` reported.
public struct ReplicationEvidence: Sendable, CustomStringConvertible {
    /// The most logical replication slots of Citus's seen at once, over all workers.
    public var maxSlots = 0
    /// The most subscriptions of Citus's seen at once, over all workers.
    public var maxSubscriptions = 0
    /// Slot names seen, e.g. `citus_shard_move_slot_2_10_4`.
    public var slotNames: Set<String> = []
    /// Workers on which a slot or subscription was seen.
    public var nodes: Set<String> = []

    /// A slot and a subscription were both seen: the data went through logical replication.
    public var wasLogical: Bool { maxSlots > 0 && maxSubscriptions > 0 }

    public var description: String {
        wasLogical
            ? """
            online: up to \(maxSlots) replication slots and \(maxSubscriptions) subscriptions on \
            \(nodes.sorted().joined(separator: ", "))
            """
            : "no logical replication seen (slots \(maxSlots), subscriptions \(maxSubscriptions))"
    }
}

/// Where a long operation stands, read from Citus while it runs: tasks done of the total, bytes
/// copied of the moves under way, and how far the slowest subscription trails its source.
public struct OperationProgress: Sendable, Equatable, Codable {
    /// The background job running the operation (a rebalance), nil for a foreground one.
    public var jobID: Int64?
    public var tasksDone: Int
    public var tasksTotal: Int
    public var bytesCopied: Int64
    public var bytesTotal: Int64
    /// Bytes of WAL the furthest-behind target has still to apply (catch-up), nil before catch-up.
    public var lagBytes: Int64?
    /// get_rebalance_progress()'s states of the moves under way (Copying Data, Catching Up, …).
    public var states: [String]

    public init(
        jobID: Int64? = nil, tasksDone: Int, tasksTotal: Int, bytesCopied: Int64, bytesTotal: Int64,
        lagBytes: Int64? = nil, states: [String] = []
    ) {
        self.jobID = jobID
        self.tasksDone = tasksDone
        self.tasksTotal = tasksTotal
        self.bytesCopied = bytesCopied
        self.bytesTotal = bytesTotal
        self.lagBytes = lagBytes
        self.states = states
    }
}

/// Lets another thread (a Ctrl-C handler) stop a watched operation: its statement is cancelled
/// at the next poll and `OperationCancelled` thrown.
public final class OperationCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    public init() {}
    public func cancel() { lock.withLock { requested = true } }
    public var isCancelled: Bool { lock.withLock { requested } }
}

/// A watched operation stopped on request (Ctrl-C).
public struct OperationCancelled: Error, CustomStringConvertible {
    public var name: String
    public var description: String { "\(name) was cancelled on request; what it had finished stays done" }
}

/// A long operation that did not end in time; it was cancelled.
public struct OperationStalled: Error, CustomStringConvertible {
    public var name: String
    public var timeLimit: Duration
    public var lastProgress: String?
    public var description: String {
        "\(name) did not finish within \(timeLimit) and was cancelled; last progress seen: \(lastProgress ?? "none")"
    }
}

extension Lifecycle {
    /// The progress query for shard moves and splits: one line per shard being transferred.
    public static let rebalanceProgressQuery = """
        SELECT format('%s shard %s of %s %s:%s -> %s:%s: %s', operation_type, shardid, table_name, sourcename,
                      sourceport, targetname, targetport, status) AS line
        FROM get_rebalance_progress()
        UNION ALL
        SELECT format('job %s %s', job_id, state) FROM citus_rebalance_status()
        WHERE state NOT IN ('finished', 'cancelled', 'failed')
        """

    /// One snapshot for `OperationProgress`: the running rebalance job's tasks (done of all), else
    /// the foreground moves get_rebalance_progress() lists (progress 2 = done); bytes and lag of the
    /// moves under way.
    static let progressSnapshotQuery = """
        WITH job AS (SELECT job_id FROM pg_dist_background_job
                     WHERE job_type = 'rebalance' AND state IN ('scheduled', 'running', 'cancelling', 'failing')
                     ORDER BY job_id DESC LIMIT 1),
             tasks AS (SELECT count(*) FILTER (WHERE t.status = 'done') AS done, count(*) AS total
                       FROM pg_dist_background_task t JOIN job USING (job_id)),
             moves AS (SELECT count(*) FILTER (WHERE progress = 2) AS done, count(*) AS total,
                              coalesce(sum(source_shard_size), 0)::bigint AS bytes_total,
                              coalesce(sum(CASE WHEN progress = 2 THEN source_shard_size
                                                ELSE least(target_shard_size, source_shard_size) END), 0)::bigint
                                  AS bytes_copied,
                              max(pg_wal_lsn_diff(source_lsn, target_lsn))::bigint AS lag,
                              coalesce(string_agg(DISTINCT status::text, ', '), '') AS states
                       FROM get_rebalance_progress())
        SELECT (SELECT job_id FROM job) AS job_id, tasks.done AS job_done, tasks.total AS job_total,
               moves.done, moves.total, moves.bytes_total, moves.bytes_copied, moves.lag, moves.states
        FROM tasks, moves
        """

    /// Runs `file` on a connection of its own, on a thread of its own, while this thread polls
    /// `progressQuery` on the coordinator. Bounded: past `timeLimit` the statement is
    /// cancelled (server-side too, through statement_timeout) and `OperationStalled` is thrown.
    ///
    /// `settings` are session settings for the script's connection (`citus_verify.tenant_id`, say);
    /// `onProgress` sees each new progress line as it appears, for a live display.
    public func runWatched(
        _ file: SQLFile, name: String, variables: [String: String] = [:],
        settings: [String: String] = [:],
        progressQuery: String = Lifecycle.rebalanceProgressQuery,
        timeLimit: Duration = .seconds(300), pollInterval: Duration = .milliseconds(100),
        onProgress: ((String) -> Void)? = nil,
        onSnapshot: ((OperationProgress) -> Void)? = nil,
        cancellation: OperationCancellation? = nil
    ) throws -> OperationReport {
        let script = try file.script(variables: cluster.sqlVariables.merging(variables) { $1 })
        let runner = try cluster.connect("coordinator")
        defer { runner.close() }
        // The client waits past the server's own bound (statement_timeout) and this loop's, never forever.
        runner.replyDeadline = timeLimit + .seconds(60)
        try runner.execute("SET statement_timeout = '\(Int(timeLimit.seconds * 1000))ms'")
        for (setting, value) in settings.sorted(by: { $0.key < $1.key }) {
            try runner.query("SELECT set_config($1, $2, false)", [setting, value])
        }
        _ = runner.takeNotices()
        let started = Date()
        let operation = BlockingWork(name) { try runner.run(script) }

        var seen: [String] = []
        var seenSet: Set<String> = []
        // A connection of its own: the test body may ask the coordinator meanwhile (a fault's injection).
        let watcher = try cluster.connect("coordinator (watcher)")
        defer { watcher.close() }
        var replication = ReplicationEvidence()
        // Each worker watched on a connection of its own (a node about to be drained included).
        let workerWatchers = configuration.workers.compactMap { worker in
            (try? cluster.connect("\(worker.name) (watcher)", at: worker.testAddress)).map { (worker.name, $0) }
        }
        defer { for (_, watcher) in workerWatchers { watcher.close() } }
        while operation.wait(pollInterval) == nil {
            var slots = 0
            var subscriptions = 0
            for (name, connection) in workerWatchers {
                guard let rows = try? connection.query(Cluster.replicationObjectsQuery).rows else { continue }
                for row in rows {
                    guard let kind: String = try? row.get("kind"), let object: String = try? row.get("name") else {
                        continue
                    }
                    replication.nodes.insert(name)
                    if kind == "slot" {
                        slots += 1
                        replication.slotNames.insert(object)
                    }
                    if kind == "subscription" { subscriptions += 1 }
                }
            }
            replication.maxSlots = max(replication.maxSlots, slots)
            replication.maxSubscriptions = max(replication.maxSubscriptions, subscriptions)
            if let lines = try? watcher.query(progressQuery).rows.map({ try $0.get("line", as: String.self) }) {
                for line in lines where seenSet.insert(line).inserted {
                    seen.append(line)
                    onProgress?(line)
                }
            }
            if let onSnapshot, let row = try? watcher.query(Self.progressSnapshotQuery).single() {
                let job: Int64? = try? row.optional("job_id")
                let jobTotal: Int = (try? row.get("job_total")) ?? 0
                let useJob = job != nil && jobTotal > 0
                onSnapshot(
                    OperationProgress(
                        jobID: job,
                        tasksDone: (try? row.get(useJob ? "job_done" : "done")) ?? 0,
                        tasksTotal: (try? row.get(useJob ? "job_total" : "total")) ?? 0,
                        bytesCopied: (try? row.get("bytes_copied")) ?? 0,
                        bytesTotal: (try? row.get("bytes_total")) ?? 0,
                        lagBytes: try? row.optional("lag"),
                        states: ((try? row.get("states", as: String.self)) ?? "").split(separator: ",").map {
                            $0.trimmingCharacters(in: .whitespaces)
                        }))
            }
            if let cancellation, cancellation.isCancelled {
                runner.cancelRunningStatement()
                _ = operation.wait(.seconds(10))
                throw OperationCancelled(name: name)
            }
            if Date().timeIntervalSince(started) > timeLimit.seconds + 5 {
                runner.cancelRunningStatement()
                _ = operation.wait(.seconds(10))
                throw OperationStalled(name: name, timeLimit: timeLimit, lastProgress: seen.last)
            }
        }
        let results = try operation.value()
        return OperationReport(
            name: name, seconds: Date().timeIntervalSince(started), progress: seen, results: results,
            replication: replication, notices: runner.takeNotices())
    }
}

extension OperationReport {
    /// For a single move (`35_move_shard.sql`): the shard and the node its placement is on after
    /// the move, as the file's `placement_after` prints them.
    public func placementAfter() throws -> (shard: Int64, node: NodeAddress) {
        let row = try results.row("placement_after")
        return (try row.get("shardid"), NodeAddress(host: try row.get("nodename"), port: try row.get("nodeport")))
    }
}
