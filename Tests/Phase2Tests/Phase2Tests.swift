import ClusterFixtures
import ClusterTesting
import Testing

/// Phase 2: Citus created, every worker but the last registered, orders and order_items distributed by user_id and
/// colocated, regions a reference table. The operations ran before these tests (the suite's trait);
/// each test checks one line of the checklist against the live cluster.
@Suite(
    "Phase 2: distribute tables", .serialized, .requiresCitus, .phase(.distribute),
    .proves(.npmPhase2, .npmAll, .fullDemoCycle))
struct Phase2Tests {
    let phase: PhaseContext
    var cluster: Cluster { phase.cluster }
    var evidence: DistributeEvidence { get throws { try phase.distribute } }

    init() throws { phase = try PhaseContext.require() }

    @Test("Citus extension enabled, and citus_version() reports it", .proves(.citusEnabled))
    func citusEnabled() throws {
        #expect(try cluster.hasExtension("citus"))
        let version = try evidence.citusVersion
        #expect(version.hasPrefix("Citus "))
        // The extension's SQL version (13.2-1) names the release series the library (13.2.x) belongs to.
        let installed = try cluster.coordinator.value(
            "SELECT split_part(extversion, '-', 1) FROM pg_extension WHERE extname = 'citus'", as: String.self)
        #expect(version.hasPrefix("Citus \(installed)."), "citus_version() '\(version)' vs extension \(installed)")
        Evidence.note(version)
    }

    @Test(
        "Workers registered and healthy: every configured worker but the last active, the last kept for Phase 3",
        .proves(.workersRegistered))
    func workersRegistered() throws {
        let initial = cluster.configuration.initialWorkers.map(\.name).sorted()
        #expect(try evidence.activeWorkers.sorted() == initial)
        let active = try cluster.coordinator.rows("SELECT node_name, node_port FROM citus_get_active_worker_nodes()")
            .map {
                cluster.workerName(host: try $0.get("node_name"), port: try $0.get("node_port"))
            }
        #expect(active.sorted() == initial)
        // 11 registers the workers in the configured order, and lists the active ones in node order.
        let configured = cluster.configuration.initialWorkers.map(\.registeredAddress)
        let registered = try cluster.coordinator.rows(
            "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 ORDER BY nodeid"
        ).map {
            NodeAddress(host: try $0.get("nodename"), port: try $0.get("nodeport"))
        }
        #expect(registered == configured, "registered in the order of the configuration")
        let nodeOrder = try cluster.inNodeOrder(configured).map { cluster.workerName(host: $0.host, port: $0.port) }
        #expect(try evidence.activeWorkers == nodeOrder, "11's active_workers in node order")
        let kept = cluster.configuration.addedWorker.registeredAddress
        #expect(try !cluster.isRegistered(kept), "the added worker is not registered before Phase 3")
        // Every node can reach every other node (the check Citus itself offers).
        let unhealthy = try cluster.coordinator.value(
            "SELECT count(*) FROM citus_check_cluster_node_health() WHERE result IS DISTINCT FROM true", as: Int.self)
        #expect(unhealthy == 0)
        Evidence.note(
            """
            active workers: \(active.sorted().joined(separator: ", ")); citus_check_cluster_node_health: \
            \(unhealthy) unhealthy pairs
            """
        )
    }

    @Test(
        "Tables distributed across workers: orders and order_items hash-distributed on user_id, colocated",
        .proves(.tablesDistributed))
    func tablesDistributed() throws {
        let rows = try cluster.coordinator.rows(
            """
            SELECT logicalrelid::text AS table_name, partmethod, column_to_column_name(logicalrelid, partkey) AS column,
                   colocationid
            FROM pg_dist_partition WHERE logicalrelid IN ('orders'::regclass, 'order_items'::regclass)
            ORDER BY 1
            """)
        #expect(rows.count == 2)
        for row in rows {
            #expect(try row.get("partmethod", as: String.self) == "h", "\(row)")
            #expect(try row.get("column", as: String.self) == "user_id", "\(row)")
        }
        #expect(
            Set(try rows.map { try $0.get("colocationid", as: Int.self) }).count == 1,
            "orders and order_items share one colocation group")
        Evidence.note("pg_dist_partition: " + (rows.map { "\($0)" }.joined(separator: "; ")))
    }

    @Test("regions is a reference table with a placement on every node", .proves(.tablesDistributed))
    func regionsIsReference() throws {
        #expect(
            try cluster.coordinator.value(
                "SELECT citus_table_type FROM citus_tables WHERE table_name = 'regions'::regclass", as: String.self)
                == "reference")
        let nodesWithRegions = try cluster.coordinator.value(
            """
            SELECT count(DISTINCT (nodename, nodeport)) FROM citus_shards WHERE table_name = 'regions'::regclass
            """, as: Int.self)
        let nodes = try cluster.coordinator.value(
            "SELECT count(*) FROM pg_dist_node WHERE noderole = 'primary' AND isactive", as: Int.self)
        #expect(nodesWithRegions == nodes)
        #expect(
            try cluster.coordinator.value(
                "SELECT count(*) FROM run_command_on_workers('SELECT count(*) FROM regions') WHERE result::int = 10",
                as: Int.self)
                == cluster.configuration.initialWorkers.count)
        Evidence.note("regions: reference table, a placement on each of \(nodes) nodes")
    }

    @Test(
        """
        Shards visible in citus_shards: the configured shard count per table, spread over exactly the registered \
        workers
        """,
        .proves(.shardsVisible, .tablesDistributed))
    func shardsVisible() throws {
        // From the configuration (or the server's setting on a fresh connection), never from the
        // session the distribute step ran in: a SET in the step would move the expectation with it.
        let shardCount = try cluster.expectedShardCount()
        let orders = try cluster.placements(of: "orders")
        let items = try cluster.placements(of: "order_items")
        for placements in [orders, items] {
            #expect(placements.total == shardCount, "\(placements)")
            #expect(
                Set(placements.shardsByNode.keys) == Set(cluster.configuration.initialWorkers.map(\.name)),
                "\(placements)")
            #expect(
                try cluster.coordinator.value(
                    "SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = $1::regclass", [placements.table],
                    as: Int.self) == shardCount)
        }
        #expect(orders.shardsByNode == items.shardsByNode)
        // Colocation, shard by shard: the i-th shards of orders and order_items cover the same hash
        // range and sit on the same node.
        let misplaced = try cluster.coordinator.value(
            """
            SELECT count(*) FROM citus_shards o
            JOIN pg_dist_shard so ON so.shardid = o.shardid
            JOIN pg_dist_shard si ON si.logicalrelid = 'order_items'::regclass AND si.shardminvalue = so.shardminvalue
            JOIN citus_shards i ON i.shardid = si.shardid
            WHERE o.table_name = 'orders'::regclass AND (o.nodename, o.nodeport) <> (i.nodename, i.nodeport)
            """, as: Int.self)
        #expect(misplaced == 0)
        Evidence.note("shards per node: \(orders); \(items)")
    }

    @Test(
        "No row lost or changed by distributing: every table's checksum equals Phase 1's",
        .proves(.integrityAfterEachPhase))
    func checksumsUnchanged() throws {
        let checksums = try cluster.checksums()
        #expect(checksums == phase.baseline.checksums)
        Evidence.note("checksums after distributing: " + checksums.map(\.description).joined(separator: "; "))
    }

    @Test("Every notice the distribute raised is one Citus documents for distributing a table with data; no WARNING")
    func distributeNoticesJudged() throws {
        let notices = try phase.distribute.notices
        // What create_distributed_table and create_reference_table say when a table holds rows
        // (the copy starting and ending, with the hint to truncate the local data), and the
        // truncate 12 then runs on orders, which cascades to order_items's local rows.
        let known = [
            "NOTICE:  Copying data from local table", "NOTICE:  copying the data has completed",
            "NOTICE:  truncate cascades to table \"order_items\"",
        ]
        let unknown = notices.filter { notice in !known.contains { notice.hasPrefix($0) } }
        #expect(unknown.isEmpty, "notices no distribute step should raise:\n\(unknown.joined(separator: "\n"))")
        #expect(
            notices.contains { $0.hasPrefix("NOTICE:  Copying data from local table") },
            "the distribute copied the tables' rows: \(notices)")
    }

    @Test("The coordinator's leftover local copies of orders and order_items were truncated, as Citus advises")
    func localCopiesTruncated() throws {
        // regions' ten leftover rows stay: Citus refuses to truncate them while users references
        // regions (see sql/sharding/13_create_reference_table.sql).
        for table in ["orders", "order_items"] {
            let bytes = try cluster.coordinator.value(
                "SELECT (pg_stat_file(pg_relation_filepath($1::regclass))).size", [table], as: Int.self)
            #expect(
                bytes == 0, "the coordinator's shell table \(table) still holds \(bytes) bytes of pre-distribution rows"
            )
        }
    }

    @Test(
        "EXPLAIN shows router execution for one user_id, on the node that holds its shard", .proves(.explainDistributed)
    )
    func routerExecution() throws {
        let tenant = phase.seedData.heaviestUser.id
        let plan = try cluster.plan("SELECT id, amount FROM orders WHERE user_id = \(tenant)", analyze: true)
        #expect(plan.citusExecutor == "Adaptive", "\(plan)")
        #expect(plan.taskCount == 1, "\(plan)")
        let holder = try cluster.coordinator.row(
            """
            SELECT nodename, nodeport FROM citus_shards
            WHERE shardid = get_shard_id_for_distribution_column('orders', $1::bigint)
            """, [tenant])
        let expected = NodeAddress(host: try holder.get("nodename"), port: try holder.get("nodeport"))
        #expect(plan.taskNodes == [expected], "\(plan)")
        Evidence.note(
            "one user_id: " + plan.summary { cluster.workerName(host: $0.host, port: $0.port) }
                + "; citus_shards places the shard on \(cluster.workerName(host: expected.host, port: expected.port))")
    }

    @Test("EXPLAIN shows a cross-shard aggregate fanning out to one task per shard", .proves(.explainDistributed))
    func multiShardExecution() throws {
        let shards = try cluster.coordinator.value(
            "SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'orders'::regclass", as: Int.self)
        let plan = try cluster.plan("SELECT status, count(*), sum(amount) FROM orders GROUP BY status", analyze: true)
        #expect(plan.citusExecutor == "Adaptive", "\(plan)")
        #expect(plan.taskCount == shards, "\(plan)")
        Evidence.note(
            "GROUP BY status: " + plan.summary { cluster.workerName(host: $0.host, port: $0.port) }
                + " for \(shards) shards")
    }

    @Test(
        "Reference and colocated joins are pushed down to the shards without repartitioning",
        .proves(.explainDistributed))
    func pushedDownJoins() throws {
        let shards = try cluster.coordinator.value(
            "SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'orders'::regclass", as: Int.self)
        let reference = try cluster.plan(
            "SELECT r.currency, count(*) FROM orders o JOIN regions r ON r.code = o.region GROUP BY r.currency")
        let colocated = try cluster.plan(
            "SELECT count(*) FROM orders o JOIN order_items i ON i.user_id = o.user_id AND i.order_id = o.id")
        for plan in [reference, colocated] {
            #expect(plan.taskCount == shards, "\(plan)")
            #expect(!plan.repartitions && !plan.hasSubplan, "\(plan)")
        }
        let name = { (node: NodeAddress) in cluster.workerName(host: node.host, port: node.port) }
        Evidence.note(
            "reference join: \(reference.summary(nodeName: name)); colocated join: \(colocated.summary(nodeName: name))"
        )
    }

    @Test(
        "A non-colocated join is refused until citus.enable_repartition_joins is on, then repartitions",
        .proves(.explainDistributed))
    func crossShardJoinNeedsRepartitioning() throws {
        let join = "SELECT count(*) FROM orders o JOIN order_items i ON i.order_id = o.id"
        let c = cluster.coordinator
        try c.execute("SET citus.enable_repartition_joins = off")
        #expect(throws: DatabaseError.self) { try cluster.plan(join) }
        try c.execute("SET citus.enable_repartition_joins = on")
        defer { _ = try? c.execute("RESET citus.enable_repartition_joins") }
        #expect(try cluster.plan(join).repartitions)
    }

    @Test(
        "Every demo query returns what the generated rows say, on the distributed tables", .proves(.queriesAtEachPhase))
    func demoQueries() throws {
        let mismatches = try cluster.demoQueryMismatches(
            expected: phase.seedData, tenant: phase.seedData.heaviestUser.id)
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        Evidence.note("demo queries 20, 21, 22, 25: every labelled result equals the generator's")
    }

    @Test(
        """
        The schema (columns, constraints, indexes) is still the designed one, the orders -> regions foreign key \
        restored
        """
    )
    func schemaKept() throws {
        let (missing, extra) = try cluster.schemaDifferences()
        #expect(missing.isEmpty && extra.isEmpty, "missing: \(missing), extra: \(extra)")
    }

    @Test("14_verify_distribution.sql prints the truth: every table's distribution, every placement, shards per worker")
    func verificationScript() throws {
        let mismatches = try cluster.verifyDistributionMismatches(
            try evidence.verification, shardCount: try cluster.expectedShardCount())
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test(
        "The EXPLAIN ANALYZE (23) and distribution-stats (24) scripts: every plan and every figure they print is right",
        .proves(.explainDistributed))
    func statsScripts() throws {
        let plans = try cluster.explainScriptMismatches(tenant: phase.seedData.heaviestUser.id, distributed: true)
        #expect(plans.isEmpty, "\(plans.joined(separator: "\n"))")
        let stats = try cluster.distributionStatsMismatches(expected: phase.seedData)
        #expect(stats.isEmpty, "\(stats.joined(separator: "\n"))")
    }

    @Test(
        """
        The rebalance's file (31), run on the balanced two workers before Phase 3, its job history holding a \
        cancelled rebalance and another kind of job still scheduled: it waits for neither and finds nothing to move
        """
    )
    func rebalanceFileIgnoresOtherJobs() throws {
        // A cluster's job history outlives its jobs: a rebalance cancelled last week must not fail
        // the next one (citus_job_wait on it raises), and a job of another kind is not this file's
        // to wait for. Planted in Citus's own catalog, removed after; run here, where there is
        // nothing to move, so that the file changes nothing.
        let session = try cluster.connect("rebalance file, planted job history")
        defer { session.close() }
        // Rows a run stopped half-way left are gone first; these go after, whatever happens.
        let removePlanted = "DELETE FROM pg_dist_background_job WHERE description = 'citus-verify: planted'"
        try session.execute(removePlanted)
        let planted = try session.query(
            """
            INSERT INTO pg_dist_background_job (state, job_type, description)
            VALUES ('cancelled', 'rebalance', 'citus-verify: planted'),
                   ('scheduled', 'citus_verify_other', 'citus-verify: planted')
            RETURNING job_id
            """
        ).rows.map { try $0.get("job_id", as: Int64.self) }
        defer {
            do { try cluster.coordinator.execute(removePlanted) } catch {
                Issue.record("the planted job history could not be removed: \(error)")
            }
        }
        #expect(planted.count == 2)
        // Waiting on the scheduled job would never end: bounded, so that such a wait fails here.
        try session.execute("SET statement_timeout = '10s'")
        let results = try cluster.run(.rebalanceShards, on: session)
        #expect(try results.row("job_state").get("state", as: String.self) == "nothing to move")
    }
}
