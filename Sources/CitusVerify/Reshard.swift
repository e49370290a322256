import ArgumentParser
import ClusterFixtures
import Foundation

/// `citus-verify reshard <scenario>`: one lifecycle step at a time, with what it changed.
struct Reshard: ParsableCommand {
    enum Scenario: String, CaseIterable, ExpressibleByArgument {
        case enableCitus = "enable-citus"
        case addWorker = "add-worker"
        case rebalance
        case isolate
        case drain
        case undistribute
    }

    static let configuration = CommandConfiguration(
        abstract: "Run one resharding step and show the shards per node before and after.",
        discussion: """
            Scenarios, in lifecycle order:
              enable-citus   CREATE EXTENSION citus, register every worker but the last, distribute orders and \
            order_items by user_id (colocated), make regions a reference table (sql/sharding/10-14)
              add-worker     register the last configured worker (sql/resharding/30)
              rebalance      move shard groups until every worker holds the same number (31)
              isolate        give one tenant a shard of its own: the one with the most orders, or --tenant (32)
              drain          move every shard off a worker, then remove it: --worker, default the first (33)
              undistribute   turn every table back into a plain table on the coordinator (34)
            rebalance, isolate and drain show live progress on standard error: tasks done of the total, bytes \
            copied, replication lag (a bar on a terminal, plain lines otherwise). Ctrl-C during a rebalance says \
            that Citus's background job keeps running and how to stop it; a second Ctrl-C stops it. Ctrl-C during \
            a drain or an isolation cancels it. --dry-run prints Citus's plan for a rebalance or a drain and \
            changes nothing.

            Examples:
              citus-verify reshard enable-citus
              citus-verify reshard isolate --tenant 42
              citus-verify reshard drain --worker worker2
              citus-verify reshard rebalance --dry-run
            """
    )

    @Argument(help: "One of: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenario: Scenario

    @Option(help: "isolate: the tenant (user_id) to isolate; default: the one with the most orders.")
    var tenant: Int?

    @Option(help: "drain: the worker to drain and remove, by name (worker1, worker2, …); default: the first.")
    var worker: String?

    @Option(help: "Seconds a long operation may take before it is cancelled.")
    var timeLimit = 600

    @Flag(help: "Print the result as JSON (progress still goes to standard error).")
    var json = false

    @Flag(help: "rebalance, drain: print the moves Citus would make, with shard sizes, and change nothing.")
    var dryRun = false

    func validate() throws {
        if tenant != nil && scenario != .isolate {
            throw ValidationError("--tenant applies to the isolate scenario only")
        }
        guard timeLimit > 0 else { throw ValidationError("--time-limit must be above 0 seconds, got \(timeLimit)") }
        if dryRun && ![.rebalance, .drain].contains(scenario) {
            throw ValidationError(
                "--dry-run applies to rebalance and drain only (Citus plans no other step), got \(scenario.rawValue)")
        }
    }

    /// The worker --worker names, or a clear error listing the names there are.
    private func drainTarget(_ cluster: Cluster) throws -> ClusterConfiguration.Worker {
        guard let worker else { return cluster.configuration.drainedWorker }
        guard let target = cluster.configuration.workers.first(where: { $0.name == worker }) else {
            throw ValidationError(
                """
                --worker must be one of \(cluster.configuration.workers.map(\.name).joined(separator: ", ")), got \
                '\(worker)'
                """
            )
        }
        return target
    }

    /// --dry-run: Citus's own plan (36_plan_rebalance.sql, 37_plan_drain.sql), nothing changed.
    private func printPlan(_ cluster: Cluster) throws {
        let moves =
            scenario == .rebalance
            ? try cluster.lifecycle.planRebalance() : try cluster.lifecycle.planDrain(try drainTarget(cluster))
        if json {
            return print(try JSONOutput.encode(Output(scenario: scenario.rawValue, dryRun: true, plannedMoves: moves)))
        }
        let total = moves.reduce(Int64(0)) { $0 + $1.bytes }
        print(
            """
            \(scenario.rawValue) --dry-run: \(moves.count) shard moves planned, \(ByteCount.text(total)) in all; \
            nothing was changed
            """
        )
        if !moves.isEmpty {
            print(
                TextTable(
                    header: ["table", "shard", "size", "from", "to"],
                    rows: moves.map { [$0.table, String($0.shardID), ByteCount.text($0.bytes), $0.source, $0.target] }
                ).render())
        }
    }

    /// What --json prints.
    struct Output: Encodable {
        var scenario: String
        var dryRun = false
        var plannedMoves: [PlannedMove]?
        var summary: String?
        var seconds: Double?
        var shardsBefore: [String: Int]?
        var shardsAfter: [String: Int]?
    }

    func run() throws {
        let cluster = try ClusterAccess.open()
        if dryRun { return try printPlan(cluster) }
        let before = try shardsPerNode(cluster)
        let display = ProgressDisplay(name: scenario.rawValue)
        let progress: (String) -> Void = { display.note($0) }
        let snapshot: (OperationProgress) -> Void = { display.show($0) }
        // Ctrl-C: a rebalance is Citus's background job and outlives this command, so the first
        // Ctrl-C says so and how to stop it, and a second one stops it (citus_rebalance_stop). A
        // drain or an isolation is this command's own statement: Ctrl-C cancels it.
        let cancellation = OperationCancellation()
        let interrupt = InterruptHandler(eachTime: { [scenario] count in
            switch (scenario, count) {
            case (.rebalance, 1):
                let job = (try? cluster.connect("coordinator (interrupt)")).flatMap { connection -> Int64? in
                    defer { connection.close() }
                    return try? connection.query(
                        """
                        SELECT job_id FROM pg_dist_background_job WHERE job_type = 'rebalance'
                        AND state IN ('scheduled', 'running') ORDER BY job_id DESC LIMIT 1
                        """
                    ).rows.first?.get("job_id")
                }
                display.note(
                    """
                    interrupted: Citus's background rebalance job\(job.map { " \($0)" } ?? "") keeps running on \
                    the cluster without this command; stop it with SELECT citus_rebalance_stop(); on the \
                    coordinator, or press Ctrl-C again to stop it now
                    """
                )
            case (.rebalance, _):
                display.note("stopping the rebalance job (citus_rebalance_stop)…")
                if let connection = try? cluster.connect("coordinator (interrupt)") {
                    _ = try? connection.execute("SELECT citus_rebalance_stop()")
                    connection.close()
                }
                cancellation.cancel()
            case (_, 1):
                display.note(
                    """
                    interrupted: cancelling the \(scenario.rawValue); moves already finished stay done (Ctrl-C \
                    again to quit at once)
                    """
                )
                cancellation.cancel()
            default:
                Foundation.exit(130)
            }
        })
        defer { interrupt.cancel() }
        var summary = ""
        var seconds: Double?
        do {
            switch scenario {
            case .enableCitus:
                let evidence = try cluster.lifecycle.distribute()
                summary =
                    """
                    enable-citus: \(evidence.citusVersion); active workers: \
                    \(evidence.activeWorkers.joined(separator: ", "))
                    """
            case .addWorker:
                summary = "add-worker: active workers now \(try cluster.lifecycle.addWorker().joined(separator: ", "))"
            case .rebalance:
                let report = try cluster.lifecycle.rebalance(
                    timeLimit: .seconds(timeLimit), onProgress: progress, onSnapshot: snapshot,
                    cancellation: cancellation)
                (summary, seconds) = (String(describing: report), report.seconds)
            case .isolate:
                let isolation = try cluster.lifecycle.isolateTenant(
                    tenant, timeLimit: .seconds(timeLimit), onProgress: progress, onSnapshot: snapshot,
                    cancellation: cancellation)
                summary =
                    """
                    isolate: tenant \(isolation.tenant) (\(isolation.tenantOrders) orders) moved from shard \
                    \(isolation.shardBefore) to shard \(isolation.shardAfter), hash range \
                    [\(isolation.shardMinValue), \(isolation.shardMaxValue)]; orders has \
                    \(isolation.orderShardCountBefore) → \(isolation.orderShardCountAfter) shards
                    """
                seconds = isolation.report.seconds
            case .drain:
                let report = try cluster.lifecycle.drain(
                    try drainTarget(cluster), timeLimit: .seconds(timeLimit), onProgress: progress,
                    onSnapshot: snapshot,
                    cancellation: cancellation)
                (summary, seconds) = (String(describing: report), report.seconds)
            case .undistribute:
                let report = try cluster.lifecycle.undistribute(timeLimit: .seconds(timeLimit)).report
                (summary, seconds) = (String(describing: report), report.seconds)
            }
        } catch let error where cancellation.isCancelled {
            display.finish()
            let state = scenario == .rebalance ? (try? cluster.lastRebalanceJobState()) ?? "unknown" : nil
            FileHandle.standardError.write(
                Data(
                    """
                    \(scenario.rawValue): stopped on \
                    request\(state.map { "; the rebalance job is \($0)" } ?? ""); shards per node now as below; \
                    run it again to finish (\(error))\n
                    """
                    .utf8))
            // A task of the stopped job may still run: citus_rebalance_stop() as a task starts
            // misses it (Cluster.runningRebalanceTasks). Wait for it a while; if it still runs,
            // say so, and its replication objects are in use, not left over.
            let running =
                scenario == .rebalance ? ((try? cluster.waitForRebalanceTasks(timeLimit: .seconds(30))) ?? []) : []
            for task in running {
                FileHandle.standardError.write(
                    Data(
                        """
                        \(scenario.rawValue): a task of the stopped job is still running on the coordinator \
                        (\(task)): Citus's stop did not reach it (a task that has just started has no backend \
                        recorded yet); it goes on with its move. Wait for it, or end it with SELECT \
                        pg_terminate_backend(\(task.pid));\n
                        """
                        .utf8))
            }
            // What the stopped moves left of logical replication (citusdata/citus#7896): said, with
            // the way out; the tool does not drop anything on a cluster by itself.
            _ = try? cluster.coordinator.execute("CALL citus_cleanup_orphaned_resources()")
            let leftovers = (try? cluster.leftoverReplication()) ?? []
            FileHandle.standardError.write(
                Data(
                    (leftovers.isEmpty
                        ? """
                        \(scenario.rawValue): no replication slot, subscription or publication of the moves is \
                        left on any node\n
                        """
                        : !running.isEmpty
                            ? """
                            \(scenario.rawValue): in use by the task still running: \
                            \(leftovers.joined(separator: "; ")) (not leftovers while it runs: dropping them \
                            would leave it waiting for ever)\n
                            """
                            : """
                            \(scenario.rawValue): left by the stopped moves: \(leftovers.joined(separator: "; ")) \
                            (a subscription: ALTER SUBSCRIPTION … DISABLE, SET (slot_name = NONE), DROP \
                            SUBSCRIPTION on that node)\n
                            """)
                        .utf8))
            printShards(before: before, after: try shardsPerNode(cluster))
            throw ExitCode(130)
        }
        display.finish()
        let after = try shardsPerNode(cluster)
        if json {
            return print(
                try JSONOutput.encode(
                    Output(
                        scenario: scenario.rawValue, summary: summary, seconds: seconds,
                        shardsBefore: before, shardsAfter: after)))
        }
        print(summary)
        printShards(before: before, after: after)
    }

    private func printShards(before: [String: Int], after: [String: Int]) {
        let nodes = Set(before.keys).union(after.keys).sorted()
        print(
            TextTable(
                header: ["node", "shards before", "shards after"],
                rows: nodes.map { [$0, String(before[$0] ?? 0), String(after[$0] ?? 0)] }
            ).render())
    }

    /// Shard placements per node over every Citus table; empty where Citus is not enabled.
    private func shardsPerNode(_ cluster: Cluster) throws -> [String: Int] {
        guard try cluster.hasExtension("citus") else { return [:] }
        return try cluster.placements().shardsByNode
    }
}
