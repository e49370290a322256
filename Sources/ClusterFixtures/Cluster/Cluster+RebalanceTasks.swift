import Foundation

/// A Citus background task executor (a rebalance's or a drain's move) running on the coordinator.
public struct RunningRebalanceTask: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int
    public var query: String
    public var seconds: Double
    public var description: String { "pid \(pid), \(String(format: "%.0f", seconds)) s: \(query)" }
}

/// Seen here (Citus 13.2.2): `citus_rebalance_stop()` right as a task starts marks the task
/// cancelled but signals PID 0 ("PID 0 is not a PostgreSQL backend process": the task's backend is
/// not recorded yet), so that task's executor goes on with its move although the job reads
/// `cancelled`. Its replication objects then look like leftovers; dropping its subscription left
/// it waiting for ever, holding the shard group's lock (every later move waited behind it). These
/// read what still runs, so that nothing is taken for a leftover while a task still uses it.
extension Cluster {
    /// The state of the last rebalance job Citus recorded (`pg_dist_background_job`), or `none`:
    /// what the tool says after a stopped rebalance and what the job's tests judge.
    public func lastRebalanceJobState() throws -> String {
        try coordinator.value(
            """
            SELECT coalesce((SELECT state::text FROM pg_dist_background_job WHERE job_type = 'rebalance'
                             ORDER BY job_id DESC LIMIT 1), 'none')
            """, as: String.self)
    }

    /// The rebalance task executors running in the suite's database now: Citus's background
    /// workers (`Citus Background Task Queue Executor: …`, which run a move themselves) and the
    /// sessions they open to run one (`citus_rebalancer gpid=…`; seen holding a move's copy).
    public func runningRebalanceTasks() throws -> [RunningRebalanceTask] {
        // A connection of its own: the shared one may be inside another caller's transaction,
        // whose pg_stat_activity snapshot is as old as that transaction.
        let probe = try connect("coordinator (running rebalance tasks)")
        defer { probe.close() }
        return try Self.runningRebalanceTasks(on: probe)
    }

    static func runningRebalanceTasks(on probe: Connection) throws -> [RunningRebalanceTask] {
        try probe.query(
            """
            SELECT pid, left(coalesce(nullif(query, ''), backend_type), 160) AS query,
                   coalesce(extract(epoch FROM now() - coalesce(query_start, backend_start)), 0)::float8 AS seconds
            FROM pg_stat_activity
            WHERE datname = current_database() AND coalesce(state, 'running') <> 'idle'
              AND (backend_type LIKE 'Citus Background Task Queue Executor%'
                   OR application_name LIKE 'citus\\_rebalancer%')
            ORDER BY pid
            """
        ).rows.map {
            RunningRebalanceTask(pid: try $0.get("pid"), query: try $0.get("query"), seconds: try $0.get("seconds"))
        }
    }

    /// Waits (bounded, `Polling.until` on one connection) until no rebalance task executor runs;
    /// returns those still running at the bound (empty when all ended).
    public func waitForRebalanceTasks(timeLimit: Duration) throws -> [RunningRebalanceTask] {
        let probe = try connect("coordinator (running rebalance tasks)")
        defer { probe.close() }
        var running: [RunningRebalanceTask] = []
        do {
            _ = try Polling.until(timeLimit: timeLimit, every: .milliseconds(200), what: "the rebalance tasks ending") {
                () -> Bool? in
                running = try Self.runningRebalanceTasks(on: probe)
                return running.isEmpty ? true : nil
            }
        } catch is Polling.TimedOut {}
        return running
    }

    /// Ends every rebalance task executor of the suite's database (for the suite's own reset only:
    /// the caller checks `allowsReset`); returns what it ended.
    @discardableResult
    public func terminateRebalanceTasks() throws -> [RunningRebalanceTask] {
        let running = try runningRebalanceTasks()
        for task in running {
            _ = try coordinator.value("SELECT pg_terminate_backend($1::int)", [task.pid], as: Bool.self)
        }
        return running
    }
}
