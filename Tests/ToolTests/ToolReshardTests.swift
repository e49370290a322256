import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// `reshard <scenario>`, `stats` and `demo` through the whole lifecycle, each scenario checked
/// against Citus's metadata rather than against the tool's own output.
@Suite(
    "citus-verify reshard: every scenario in lifecycle order, with stats and demo",
    .serialized, .requiresCitus, .exclusiveCluster)
struct ToolReshardTests {
    let cluster: Cluster
    init() throws { cluster = try Cluster.shared() }

    private func shardsOn(_ worker: ClusterConfiguration.Worker) throws -> Int {
        try cluster.placements().shards(on: worker.name)
    }

    @Test(
        """
        setup, then reshard enable-citus distributes orders and order_items on every worker but the last; a \
        second run is refused
        """
    )
    func enableCitus() throws {
        #expect(try citusVerify("setup").status == 0)
        let run = try citusVerify("reshard", "enable-citus")
        #expect(run.status == 0, "\(run)")
        #expect(try cluster.activeWorkers() == cluster.configuration.initialWorkers.map(\.name))
        #expect(
            try cluster.coordinator.rows("SELECT logicalrelid::text AS t, partmethod FROM pg_dist_partition ORDER BY 1")
                .map {
                    "\(try $0.get("t", as: String.self)):\(try $0.get("partmethod", as: String.self))"
                } == ["order_items:h", "orders:h", "regions:n"])
        #expect(
            run.output.contains(cluster.configuration.workers[0].name) && run.output.contains("shards after"), "\(run)")
        let again = try citusVerify("reshard", "enable-citus")
        #expect(again.status == 1 && again.errorOutput.contains("already"), "\(again)")
    }

    @Test("stats --json parses and agrees with citus_shards: shards per node, every shard and its rows")
    func statsJSON() throws {
        let run = try citusVerify("stats", "--json")
        #expect(run.status == 0, "\(run)")
        let stats = try JSONDecoder().decode(ShardStatistics.self, from: Data(run.output.utf8))
        let perNode = try cluster.coordinator.rows(
            "SELECT nodeport, count(*) AS shards FROM citus_shards GROUP BY nodeport ORDER BY nodeport")
        #expect(
            stats.nodes.map { Int($0.address.split(separator: ":").last!)! }
                == (try perNode.map { try $0.get("nodeport", as: Int.self) }))
        #expect(stats.nodes.map(\.shards) == (try perNode.map { try $0.get("shards", as: Int.self) }))
        #expect(
            Set(stats.shards.map(\.shardID))
                == Set(
                    try cluster.coordinator.rows("SELECT shardid FROM citus_shards").map {
                        try $0.get("shardid", as: Int64.self)
                    }))
        let orderRows = stats.shards.filter { $0.table == "orders" }.reduce(0) { $0 + $1.rows }
        #expect(orderRows == Int64(try cluster.coordinator.value("SELECT count(*) FROM orders", as: Int.self)))
        #expect(
            stats.colocationGroups.contains {
                $0.tables == ["order_items", "orders"] && $0.distributionColumn == "user_id"
            })
    }

    @Test("demo all runs every demonstration and shows how Citus executed each query", .proves(.npmDemo))
    func demoAll() throws {
        let run = try citusVerify("demo", "all", "--rows", "1")
        #expect(run.status == 0, "\(run)")
        for query in DemoQuery.allCases { #expect(run.output.contains("== \(query.rawValue):"), "\(query)") }
        let plans = run.output.split(separator: "\n").filter { $0.contains("plan: ") }
        #expect(!plans.isEmpty && plans.allSatisfy { $0.contains("Citus Adaptive") }, "\(plans)")
        #expect(plans.first?.contains("1 task") == true, "single-shard is routed to one task: \(plans)")
        #expect(plans.contains { $0.contains("repartitioned between nodes") }, "the cross-shard join repartitions")
        Evidence.note(
            "citus-verify demo all: " + plans.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " | "))
    }

    @Test("reshard add-worker really registers the last configured worker; adding it again is refused")
    func addWorker() throws {
        let run = try citusVerify("reshard", "add-worker")
        #expect(run.status == 0, "\(run)")
        #expect(try cluster.activeWorkers() == cluster.configuration.workers.map(\.name))
        let again = try citusVerify("reshard", "add-worker")
        #expect(again.status == 1 && again.errorOutput.contains("already registered"), "\(again)")
    }

    /// Every placement and every node's metadata row, on the coordinator and on each worker:
    /// what a dry run must leave exactly as it was.
    private func metadataSnapshot() throws -> [String] {
        let placements = try cluster.coordinator.rows(
            """
            SELECT format('%s %s %s:%s', s.logicalrelid, s.shardid, n.nodename, n.nodeport) AS line
            FROM pg_dist_shard s JOIN pg_dist_placement p USING (shardid) JOIN pg_dist_node n USING (groupid) ORDER BY 1
            """
        ).map { try $0.get("line", as: String.self) }
        var nodes: [String] = []
        for node in cluster.nodes {
            nodes += try node.rows(
                """
                SELECT format('%s sees %s:%s active=%s shouldhaveshards=%s',
                              $1::text, nodename, nodeport, isactive, shouldhaveshards) AS line
                FROM pg_dist_node ORDER BY nodeid
                """, [node.name]
            ).map { try $0.get("line", as: String.self) }
        }
        return placements + nodes
    }

    /// Each shard of orders and order_items with the node holding it.
    private func shardNodes() throws -> [Int64: String] {
        var nodes: [Int64: String] = [:]
        for row in try cluster.coordinator.rows(
            "SELECT shardid, nodename, nodeport FROM citus_shards WHERE citus_table_type = 'distributed'")
        {
            nodes[try row.get("shardid")] = cluster.workerName(
                host: try row.get("nodename"), port: try row.get("nodeport"))
        }
        return nodes
    }

    /// The dry run's plan, then the real step: the shards that moved are exactly the plan's, and so
    /// is how many each node received. With `exactTargets`, each shard's target too: a rebalance
    /// job runs its plan's list as is, while citus_drain_node plans again and picks among equally
    /// good targets in its own order (seen here: same shards, same totals per node, shard groups
    /// paired with the other node).
    private func planThenRun(
        _ scenario: String, _ extra: String..., exactTargets: Bool,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let snapshot = try metadataSnapshot()
        let dry = try citusVerifyArray(["reshard", scenario, "--dry-run", "--json"] + extra)
        #expect(dry.status == 0, "\(dry)", sourceLocation: sourceLocation)
        let plan = try #require(
            try JSONDecoder().decode(PlannedPlan.self, from: Data(dry.output.utf8)).plannedMoves,
            sourceLocation: sourceLocation)
        #expect(!plan.isEmpty, "there is something to move: \(dry)", sourceLocation: sourceLocation)
        #expect(
            try metadataSnapshot() == snapshot, "the dry run changed nothing, on the coordinator or any worker",
            sourceLocation: sourceLocation)

        let before = try shardNodes()
        let run = try citusVerifyArray(["reshard", scenario] + extra)
        #expect(run.status == 0, "\(run)", sourceLocation: sourceLocation)
        let after = try shardNodes()
        let moved = Dictionary(
            uniqueKeysWithValues: before.compactMap { shard, node in
                after[shard].flatMap { $0 != node ? (shard, $0) : nil }
            })
        let planned = Dictionary(uniqueKeysWithValues: plan.map { ($0.shardID, $0.target) })
        #expect(
            Set(moved.keys) == Set(planned.keys), "the \(scenario) moved exactly the planned shards",
            sourceLocation: sourceLocation)
        func perNode(_ targets: [Int64: String]) -> [String: Int] {
            targets.values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
        }
        if exactTargets {
            #expect(
                moved == planned, "the \(scenario) moved each planned shard to its planned node",
                sourceLocation: sourceLocation)
        } else if cluster.configuration.workers.count <= 3 {
            #expect(
                perNode(moved) == perNode(planned), "each node received as many shards as planned",
                sourceLocation: sourceLocation)
        } else {
            // With more than two nodes to choose from, the drain's own choice among equally good
            // targets decides which nodes receive (seen with five workers: the plan said worker4
            // and worker5, the drain chose worker1 and worker3); the shares are the plan's.
            #expect(
                perNode(moved).values.sorted() == perNode(planned).values.sorted(),
                "the nodes received the planned shares", sourceLocation: sourceLocation)
        }
        #expect(
            run.errorOutput.contains("\(scenario) progress: ") && run.errorOutput.contains(" done"),
            "live progress (tasks done of the total) on standard error: \(run)", sourceLocation: sourceLocation)
        Evidence.note(
            """
            reshard \(scenario) --dry-run: \(plan.count) moves planned, \(plan.reduce(0) { $0 + $1.bytes }) \
            bytes; the \(scenario) then moved exactly those
            """
        )
    }

    private struct PlannedPlan: Decodable { var plannedMoves: [PlannedMove]? }

    @Test("reshard rebalance, Ctrl-C: says Citus's job keeps running and how to stop it; a second Ctrl-C stops it")
    func rebalanceInterrupted() throws {
        let run = try citusVerifyArray(
            ["reshard", "rebalance"], timeLimit: .seconds(300),
            interruptWhen: ["rebalance progress: ", "press Ctrl-C again to stop it"])
        #expect(run.status == 130 && !run.killedBySignal, "\(run)")
        #expect(
            run.errorOutput.contains(
                "keeps running on the cluster without this command; stop it with SELECT citus_rebalance_stop();"),
            "\(run)")
        #expect(run.errorOutput.contains("stopped on request; the rebalance job is cancel"), "\(run)")
        let state = try cluster.lastRebalanceJobState()
        #expect(state == "cancelled", "Citus's own record of the job")
        #expect(
            run.errorOutput.contains(
                "no replication slot, subscription or publication of the moves is left on any node")
                || run.errorOutput.contains("left by the stopped moves: ")
                || run.errorOutput.contains("in use by the task still running: "),
            "what the stopped moves left is said: \(run)")
        // Seen once: the stop came as the job's first task started, Citus signalled PID 0, and the
        // task went on with its move (the tool says so). It must end on its own, its move done;
        // its objects are not dropped under it.
        let stillRunning = run.errorOutput.contains("a task of the stopped job is still running")
        let running = try cluster.waitForRebalanceTasks(timeLimit: .seconds(120))
        #expect(running.isEmpty, "a task of the stopped job still runs 120 s on: \(running)")
        if stillRunning {
            recordingKnownIssue(
                "citus_rebalance_stop() as a task starts signals PID 0 and misses that task", isIntermittent: true
            ) {
                Issue.record(
                    """
                    a task outlived the stop; it ended on its own: \
                    \(run.errorOutput.split(separator: "\n").filter { $0.contains("still running") })
                    """
                )
            }
        }
        // Citus may leave the cancelled move's subscription behind (seen: a disabled
        // citus_shard_move_subscription on worker3, which then kept the next run from dropping the
        // database); the suite's own database is cleaned so the lifecycle goes on.
        let left = try cluster.leftoverReplication()
        try cluster.dropLeftoverReplication()
        #expect(try cluster.leftoverReplication().isEmpty)
        Evidence.note(
            """
            reshard rebalance, Ctrl-C twice: job \(state); left by the stopped move: \
            \(left.isEmpty ? "nothing" : left.joined(separator: "; ")); the next rebalance finishes the moves
            """
        )
    }

    @Test(
        """
        reshard rebalance --dry-run prints Citus's plan and changes nothing; the rebalance then makes exactly \
        those moves, with live progress
        """
    )
    func rebalance() throws {
        try planThenRun("rebalance", exactTargets: true)
        let added = cluster.configuration.addedWorker
        #expect(try shardsOn(added) > 1, "\(added.name) holds shards beyond its reference-table copy")
    }

    @Test("reshard isolate --tenant gives that tenant a shard of its own; a tenant without orders is refused")
    func isolate() throws {
        let tenant = try cluster.coordinator.value("SELECT min(user_id) FROM orders", as: Int.self)
        let run = try citusVerify("reshard", "isolate", "--tenant", String(tenant))
        #expect(run.status == 0, "\(run)")
        let range = try cluster.coordinator.row(
            """
            SELECT shardminvalue::bigint AS lo, shardmaxvalue::bigint AS hi, worker_hash($1::bigint) AS h
            FROM pg_dist_shard
            WHERE shardid = get_shard_id_for_distribution_column('orders', $1::bigint)
            """, [tenant])
        #expect(try range.get("lo", as: Int64.self) == range.get("h", as: Int64.self))
        #expect(try range.get("hi", as: Int64.self) == range.get("h", as: Int64.self))
        let none = try citusVerify("reshard", "isolate", "--tenant", "987654321")
        #expect(none.status == 1 && none.errorOutput.contains("has no orders"), "\(none)")
    }

    @Test(
        """
        reshard drain --worker (the second worker) --dry-run changes nothing; the drain then moves exactly the \
        planned shards, leaves none there and removes it
        """
    )
    func drain() throws {
        let second = cluster.configuration.workers[1]
        try planThenRun("drain", "--worker", second.name, exactTargets: false)
        #expect(try shardsOn(second) == 0)
        #expect(try cluster.activeWorkers() == cluster.configuration.workers.map(\.name).filter { $0 != second.name })
        #expect(try cluster.pendingCleanupRecords() == 0)
    }

    @Test("reshard undistribute leaves plain tables with every row of the baseline; undistributing again is refused")
    func undistribute() throws {
        let baseline = try #require(try cluster.lifecycle.store.recordedBaseline(), "setup recorded the baseline")
        let run = try citusVerify("reshard", "undistribute")
        #expect(run.status == 0, "\(run)")
        #expect(try cluster.coordinator.value("SELECT count(*) FROM citus_tables", as: Int.self) == 0)
        #expect(try cluster.checksums() == baseline.checksums, "nothing lost or changed through the tool's lifecycle")
        let again = try citusVerify("reshard", "undistribute")
        #expect(again.status == 1 && again.errorOutput.contains("not a distributed table"), "\(again)")
    }
}
