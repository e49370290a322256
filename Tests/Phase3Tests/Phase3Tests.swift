import ClusterFixtures
import ClusterTesting
import Testing

/// Phase 3: the last configured worker added, shards rebalanced over every worker, the heaviest
/// tenant isolated, the first worker drained and removed. The steps ran before these tests (the suite's trait) and
/// left a snapshot after each step, so each test checks its step even though later steps changed the cluster.
@Suite(
    "Phase 3: resharding", .serialized, .requiresCitus, .phase(.reshard), .proves(.npmPhase3, .npmAll, .fullDemoCycle))
struct Phase3Tests {
    let phase: PhaseContext
    let evidence: ReshardEvidence
    var cluster: Cluster { phase.cluster }

    init() throws {
        phase = try PhaseContext.require()
        evidence = try phase.reshard
    }

    var allWorkers: [String] { cluster.configuration.workers.map(\.name) }
    var added: String { cluster.configuration.addedWorker.name }
    var drained: String { cluster.configuration.drainedWorker.name }

    @Test(
        """
        New worker added successfully: every configured worker active, the new one holding no shard yet but its \
        copy of the reference table
        """,
        .proves(.thirdWorkerAdded))
    func thirdWorkerAdded() throws {
        #expect(evidence.activeWorkersAfterAdd.sorted() == allWorkers.sorted())
        #expect(evidence.beforeRebalance.shards(on: added) == 0, "\(evidence.beforeRebalance)")
        // One placement of regions on every worker before the rebalance, each with every region
        // (the coordinator's own copy, when it is in the metadata, is not this step's).
        #expect(
            evidence.regionsAfterAdd.shardsByNode.filter { allWorkers.contains($0.key) }
                == Dictionary(uniqueKeysWithValues: allWorkers.map { ($0, 1) }),
            "\(evidence.regionsAfterAdd)")
        #expect(
            evidence.regionRowsAfterAdd.filter { allWorkers.contains($0.key) }
                == Dictionary(uniqueKeysWithValues: allWorkers.map { ($0, SeedData.regions.count) }),
            "rows of regions per node: \(evidence.regionRowsAfterAdd)")
        // Copied holding writes to regions for a moment (block_writes), as the file says: no
        // logical replication set up for ten rows.
        #expect(
            evidence.addWorkerReplication.maxSlots == 0 && evidence.addWorkerReplication.maxSubscriptions == 0,
            "30's copy of regions: \(evidence.addWorkerReplication)")
        Evidence.note(
            "active workers after citus_add_node: \(evidence.activeWorkersAfterAdd.sorted().joined(separator: ", "))")
    }

    /// Rule: with the by_shard_count strategy (and its default threshold), Citus moves shard groups
    /// until no node holds more than one group more than another (8 groups on 3 workers end 3/3/2, 32 end 11/11/10).
    @Test(
        "Shards rebalanced across every worker: each within one shard group of the others", .proves(.shardsRebalanced))
    func shardsRebalanced() throws {
        let after = evidence.afterRebalance
        #expect(Set(after.shardsByNode.keys) == Set(allWorkers), "\(after)")
        let counts = after.shardsByNode.values
        #expect(counts.max()! - counts.min()! <= 1, "\(after)")
        #expect(
            after.total == evidence.beforeRebalance.total,
            "no shard appeared or vanished: \(evidence.beforeRebalance) → \(after)")
        Evidence.note(
            "orders shards per node: \(evidence.beforeRebalance) → \(evidence.afterRebalance); \(evidence.rebalance)")
    }

    @Test(
        "Rebalance progress was observable while it ran, moving shards onto the new worker", .proves(.shardsRebalanced))
    func rebalanceProgressObserved() throws {
        let target = cluster.configuration.addedWorker.registeredAddress
        let progress = evidence.rebalance.progress
        #expect(
            progress.contains { $0.contains("-> \(target.host):\(target.port)") },
            "progress seen during the rebalance (\(evidence.rebalance)):\n\(progress.joined(separator: "\n"))")
        Evidence.note("progress seen: \(progress.count) distinct lines, e.g. \(progress.first ?? "-")")
    }

    @Test(
        "Tenant isolation works: the heaviest tenant has a shard whose hash range is exactly its own",
        .proves(.tenantIsolation))
    func tenantIsolated() throws {
        let isolation = evidence.isolation
        // The file ran as the README shows it, naming no tenant: its own choice is judged here.
        #expect(
            isolation.tenant == phase.seedData.heaviestUser.id,
            """
            32_isolate_tenant.sql chose tenant \(isolation.tenant); the seed's heaviest is \
            \(phase.seedData.heaviestUser.id)
            """
        )
        #expect(
            evidence.heaviestTenant.id == phase.seedData.heaviestUser.id,
            "the heaviest tenant in the database is the generator's")
        // The writers add orders of this very tenant while the file counts them: at least the generator's.
        #expect(
            isolation.tenantOrders >= phase.seedData.heaviestUser.orders,
            """
            32's tenant_before counts \(isolation.tenantOrders) orders of the tenant; the generator alone made \
            \(phase.seedData.heaviestUser.orders)
            """
        )
        #expect(
            try isolation.report.results.row("tenant_after").get("user_id", as: Int.self) == isolation.tenant,
            "32's tenant_after names the tenant it isolated")
        #expect(isolation.shardAfter != isolation.shardBefore)
        #expect(isolation.shardMinValue == isolation.tenantHash && isolation.shardMaxValue == isolation.tenantHash)
        #expect(
            isolation.orderShardCountAfter - isolation.orderShardCountBefore == evidence.expectedNewShards,
            """
            the split adds \(evidence.expectedNewShards) shards (from the tenant's hash in its old range): \
            \(isolation.orderShardCountBefore) → \(isolation.orderShardCountAfter)
            """
        )
        Evidence.note(
            """
            tenant \(isolation.tenant): shard \(isolation.shardBefore) → \(isolation.shardAfter), hash range \
            [\(isolation.shardMinValue), \(isolation.shardMaxValue)] = hash \(isolation.tenantHash); \
            \(isolation.report)
            """
        )
    }

    @Test(
        "Isolation took order_items along: the tenant's items sit in a colocated single-tenant shard",
        .proves(.tenantIsolation))
    func isolationKeptColocation() throws {
        let tenant = evidence.isolation.tenant
        let shards = try cluster.coordinator.rows(
            """
            SELECT s.logicalrelid::text AS table_name, s.shardminvalue::bigint AS min, s.shardmaxvalue::bigint AS max,
                   p.nodename, p.nodeport
            FROM pg_dist_shard s JOIN citus_shards p ON p.shardid = s.shardid
            WHERE s.shardid IN (get_shard_id_for_distribution_column('orders', $1::bigint),
                                get_shard_id_for_distribution_column('order_items', $1::bigint))
            """, [tenant])
        #expect(shards.count == 2)
        for shard in shards {
            #expect(try shard.get("min", as: Int64.self) == evidence.isolation.tenantHash, "\(shard)")
            #expect(try shard.get("max", as: Int64.self) == evidence.isolation.tenantHash, "\(shard)")
        }
        #expect(
            Set(try shards.map { "\(try $0.get("nodename", as: String.self)):\(try $0.get("nodeport", as: Int.self))" })
                .count == 1)
        let items = try cluster.coordinator.value(
            "SELECT count(*) FROM order_items WHERE user_id = $1", [tenant], as: Int.self)
        #expect(items == phase.seedData.items.filter { $0.userID == tenant }.count)
    }

    @Test(
        "After isolation every tenant's rows are still reachable, and router queries for the tenant hit the new shard",
        .proves(.tenantIsolation, .queriesAtEachPhase))
    func isolatedTenantQueries() throws {
        let data = phase.seedData
        let tenant = evidence.isolation.tenant
        #expect(
            try cluster.coordinator.value("SELECT count(*) FROM orders WHERE user_id <> $1", [tenant], as: Int.self)
                == data.orders.count - data.heaviestUser.orders)
        #expect(
            try cluster.coordinator.value("SELECT count(DISTINCT user_id) FROM orders", as: Int.self)
                == Set(data.orders.map(\.userID)).count)
        let plan = try cluster.plan("SELECT * FROM orders WHERE user_id = \(tenant)", analyze: true)
        #expect(plan.taskCount == 1, "\(plan)")
        #expect(plan.lines.contains { $0.contains("orders_\(evidence.isolation.shardAfter)") }, "\(plan)")
    }

    @Test(
        """
        Rebalance, tenant isolation and drain moved their data online: Citus's replication slots and \
        subscriptions were seen while each ran
        """,
        .proves(.shardsRebalanced, .tenantIsolation, .drainWithoutLoss))
    func movesWereOnline() throws {
        for report in [evidence.rebalance, evidence.isolation.report, evidence.drain] {
            #expect(
                report.replication.wasLogical,
                "\(report.name) shows no logical replication: a blocking transfer? \(report.replication)")
            Evidence.note("\(report.name): \(report.replication)")
        }
    }

    @Test(
        """
        The writers hit every shard group that moved or split, and every error they received is one the operation \
        is known to raise
        """,
        .proves(.drainWithoutLoss))
    func writersCoveredEveryMove() throws {
        #expect(evidence.writes.map(\.operation).count == 3, "rebalance, tenant isolation and drain ran with writers")
        for check in evidence.writes {
            #expect(
                check.committedBeforeOperation > 0 && check.committedAfterOperation > 0,
                "\(check.operation): the writers wrote before it began and after it ended: \(check)")
            #expect(check.movedShardGroups > 0, "\(check.operation) moved no shard group")
            #expect(check.coveredShardGroups == check.movedShardGroups, "\(check)")
            #expect(
                ExpectedWriterErrors.unexpected(in: check).isEmpty,
                """
                \(check.operation): errors no operation of this kind raises: \
                \(ExpectedWriterErrors.unexpected(in: check))
                """
            )
            Evidence.note(check.availabilityLine)
            // The operation returned (the phase ran it to the end), so its outcome is "completed".
            Evidence.availability(check.availability(outcome: "completed"))
        }
    }

    @Test(
        """
        The verification output of 30 (nodes), 31 (placements before, planned moves, job state) and 33 (nodes) is \
        right
        """
    )
    func stepOutputs() throws {
        let names = { (rows: [Row]) in
            try rows.map { cluster.workerName(host: try $0.get("nodename"), port: try $0.get("nodeport")) }
        }
        let addedRows = try evidence.addWorkerResults.named("workers").rows
        #expect(try names(addedRows) == allWorkers)
        #expect(
            try addedRows.allSatisfy {
                try $0.get("isactive", as: Bool.self) && $0.get("shouldhaveshards", as: Bool.self)
            })
        let rebalance = evidence.rebalance.results
        let before = try Dictionary(
            uniqueKeysWithValues: rebalance.named("shards_before").rows.map {
                (
                    cluster.workerName(host: try $0.get("nodename"), port: try $0.get("nodeport")),
                    try $0.get("shards", as: Int.self)
                )
            })
        #expect(before == evidence.beforeRebalance.shardsByNode)
        // Listed in node order (nodename, then port), as PostgreSQL orders those same nodes.
        let listedNodes = try rebalance.named("shards_before").rows.map {
            NodeAddress(host: try $0.get("nodename"), port: try $0.get("nodeport"))
        }
        #expect(try listedNodes == cluster.inNodeOrder(listedNodes), "31's shards_before in node order")
        let planned = try rebalance.named("planned_moves").rows.filter {
            try $0.get("table_name", as: String.self) == "orders"
        }
        #expect(
            try Set(planned.map { cluster.workerName(host: try $0.get("targetname"), port: try $0.get("targetport")) })
                == [added])
        #expect(
            planned.count == evidence.afterRebalance.shards(on: added),
            "planned moves of orders vs shards on \(added) after")
        // Each planned move names a shard that sat on its source before and on its target after,
        // and the shards that changed node are exactly the planned ones (the placement catalog).
        let moved = Set(
            evidence.shardNodesAfterRebalance.filter { evidence.shardNodesBeforeRebalance[$0.key] != $0.value }.keys)
        #expect(
            try Set(planned.map { try $0.get("shardid", as: Int64.self) }) == moved,
            "planned shards vs shards that changed node")
        for move in planned {
            let shard: Int64 = try move.get("shardid")
            let source = "\(try move.get("sourcename", as: String.self)):\(try move.get("sourceport", as: Int.self))"
            let target = "\(try move.get("targetname", as: String.self)):\(try move.get("targetport", as: Int.self))"
            #expect(
                evidence.shardNodesBeforeRebalance[shard] == source
                    && evidence.shardNodesAfterRebalance[shard] == target,
                """
                shard \(shard) planned \(source) → \(target); the catalog had it on \
                \(evidence.shardNodesBeforeRebalance[shard] ?? "-") → \
                \(evidence.shardNodesAfterRebalance[shard] ?? "-")
                """
            )
        }
        let job = try rebalance.row("job_state")
        #expect(try job.get("state", as: String.self) == "finished")
        // The job the file waited on is the last rebalance job Citus recorded, finished.
        let lastJob = try cluster.coordinator.row(
            """
            SELECT job_id, state::text AS state FROM pg_dist_background_job
            WHERE job_type = 'rebalance' ORDER BY job_id DESC LIMIT 1
            """)
        #expect(
            try job.get("job_id", as: Int64.self) == lastJob.get("job_id", as: Int64.self)
                && lastJob.get("state", as: String.self) == "finished",
            "job_state \(job), the last rebalance job \(lastJob)")
        let remaining = try evidence.drain.results.named("workers").rows
        #expect(try names(remaining) == allWorkers.filter { $0 != drained })
        #expect(
            try remaining.allSatisfy {
                try $0.get("isactive", as: Bool.self) && $0.get("shouldhaveshards", as: Bool.self)
            },
            "every remaining worker active and taking shards after the drain: \(remaining)")
    }

    @Test("The dry runs (36, 37) plan exactly what the rebalance and the drain then did, and change nothing")
    func dryRunsPlannedTheMoves() throws {
        // 36: the same moves 31 planned, and the shards of orders that then changed node, source to target.
        let planned = try evidence.rebalance.results.named("planned_moves").rows.map {
            "\(try $0.get("table_name", as: String.self)) \(try $0.get("shardid", as: Int64.self)) "
                + "\(cluster.workerName(host: try $0.get("sourcename"), port: try $0.get("sourceport"))) → "
                + "\(cluster.workerName(host: try $0.get("targetname"), port: try $0.get("targetport")))"
        }
        let dryRun = evidence.dryRunRebalance.map { "\($0.table) \($0.shardID) \($0.source) → \($0.target)" }
        #expect(dryRun == planned, "36's plan vs 31's")
        let ordersMoved = Set(
            evidence.shardNodesAfterRebalance.filter { evidence.shardNodesBeforeRebalance[$0.key] != $0.value }.keys)
        #expect(Set(evidence.dryRunRebalance.filter { $0.table == "orders" }.map(\.shardID)) == ordersMoved)
        #expect(
            evidence.dryRunRebalance.allSatisfy { $0.bytes > 0 && $0.target == added }, "\(evidence.dryRunRebalance)")
        // 37: every placement of the drained worker, moved to a worker that stays, and the node
        // still taking shards afterwards (the file rolls its own change back).
        #expect(Set(evidence.dryRunDrain.map { "\($0.table) \($0.shardID)" }) == evidence.placementsOnDrainedWorker)
        // 37 lists the moves in the order the drain then made them (Citus names each move as it
        // starts it, one shard per shard group).
        let drainPlan = evidence.dryRunDrain.map(\.shardID)
        let drainMoves = evidence.drain.shardsMoved
        #expect(
            drainMoves.count == evidence.dryRunDrain.filter { $0.table == "orders" }.count
                && drainPlan.filter(drainMoves.contains) == drainMoves,
            "37's order \(drainPlan) vs the moves 33 announced, in order: \(evidence.drain.notices)")
        #expect(evidence.dryRunDrain.count == evidence.placementsOnDrainedWorker.count)
        let staying = Set(allWorkers.filter { $0 != drained })
        #expect(
            evidence.dryRunDrain.allSatisfy { $0.source == drained && staying.contains($0.target) && $0.bytes > 0 },
            "\(evidence.dryRunDrain)")
        #expect(evidence.drainedTookShardsAfterDryRun, "37 left \(drained) marked shouldhaveshards = false")
        // 33 then moved each placement where 37 planned it: the same strategy on the same shards.
        let drainedTo = evidence.dryRunDrain.map { move in
            let placement = "\(move.table) \(move.shardID)"
            return "\(placement) → \(evidence.drainedPlacementsAfter[placement] ?? "nowhere")"
        }
        let plannedTo = evidence.dryRunDrain.map { "\($0.table) \($0.shardID) → \($0.target)" }
        #expect(drainedTo == plannedTo, "where 33 put each placement vs where 37 planned it")
    }

    @Test(
        "After resharding, every demo query returns what the generated rows say, and 23 and 24 print the truth",
        .proves(.queriesAtEachPhase))
    func queriesAfterResharding() throws {
        let tenant = phase.seedData.heaviestUser.id
        let demo = try cluster.demoQueryMismatches(expected: phase.seedData, tenant: tenant)
        #expect(demo.isEmpty, "\(demo.joined(separator: "\n"))")
        let plans = try cluster.explainScriptMismatches(tenant: tenant, distributed: true)
        #expect(plans.isEmpty, "\(plans.joined(separator: "\n"))")
        let stats = try cluster.distributionStatsMismatches(expected: phase.seedData)
        #expect(stats.isEmpty, "\(stats.joined(separator: "\n"))")
    }

    @Test(
        "Worker drain completes: no placement left on the first worker, which is then removed from the metadata",
        .proves(.drainWithoutLoss))
    func workerDrained() throws {
        #expect(evidence.drainedWorker == drained)
        #expect(evidence.afterDrain.shards(on: drained) == 0, "\(evidence.afterDrain)")
        #expect(evidence.afterDrain.total == evidence.isolation.orderShardCountAfter, "\(evidence.afterDrain)")
        let drained = try cluster.configuration.worker(evidence.drainedWorker).registeredAddress
        #expect(try !cluster.isRegistered(drained), "the drained worker is gone from pg_dist_node")
        #expect(!evidence.drain.progress.isEmpty, "the drain's moves showed in get_rebalance_progress()")
        Evidence.note(
            "orders shards per node after draining \(evidence.drainedWorker): \(evidence.afterDrain); \(evidence.drain)"
        )
    }

    @Test("The removed worker really holds no shard tables any more", .proves(.drainWithoutLoss))
    func removedWorkerIsEmpty() throws {
        #expect(try cluster.shardTableCount(on: cluster.node(drained)) == 0)
        // The same count sees the shards where they are: the query cannot pass by seeing nothing.
        for remaining in allWorkers where remaining != drained {
            let placed = try cluster.distributedShards(on: remaining)
            #expect(placed > 0, "\(remaining) holds shards")
            #expect(try cluster.shardTableCount(on: cluster.node(remaining)) == placed, "\(remaining)")
        }
    }

    @Test(
        "Worker drain and every other step lost nothing: after each step every checksum equals Phase 1's",
        .proves(.drainWithoutLoss, .integrityAfterEachPhase))
    func checksumsAfterEveryStep() throws {
        #expect(evidence.steps.map(\.step) == ["add worker", "rebalance", "tenant isolation", "drain"])
        for step in evidence.steps {
            #expect(step.checksums == phase.baseline.checksums, "after \(step.step)")
        }
        #expect(try cluster.checksums() == phase.baseline.checksums, "now")
        for step in evidence.steps {
            Evidence.note("after \(step.step): " + step.checksums.map(\.description).joined(separator: "; "))
        }
    }

    @Test(
        """
        No orphaned resources: pg_dist_cleanup empty after each move or split, no replication slots or \
        subscriptions left
        """,
        .proves(.drainWithoutLoss))
    func noOrphans() throws {
        for step in evidence.steps {
            #expect(step.pendingCleanup == 0, "pg_dist_cleanup records after \(step.step)")
        }
        for worker in cluster.workers {
            let row = try worker.row(
                """
                SELECT (SELECT count(*) FROM pg_replication_slots) AS slots,
                       (SELECT count(*) FROM pg_subscription) AS subscriptions,
                       (SELECT count(*) FROM pg_publication) AS publications
                """)
            #expect(try row.get("slots", as: Int.self) == 0, "\(worker.name): \(row)")
            #expect(try row.get("subscriptions", as: Int.self) == 0, "\(worker.name): \(row)")
            #expect(try row.get("publications", as: Int.self) == 0, "\(worker.name): \(row)")
        }
    }

    @Test(
        """
        Writes during rebalance, tenant isolation and drain: every acknowledged write is there once, with its \
        values, and nothing else
        """,
        .proves(.drainWithoutLoss, .integrityAfterEachPhase))
    func writesSurvivedResharding() throws {
        #expect(
            evidence.writes.map(\.operation) == ["rebalance", "tenant isolation", "drain \(evidence.drainedWorker)"])
        for check in evidence.writes {
            print("writes during \(check)")
            #expect(check.acknowledged > 0, "writers were active during \(check.operation)")
            if check.operation != "tenant isolation" {  // inserts only there: see Cluster.reshard
                #expect(check.updates > 0, "some acknowledged writes were updates")
            }
            #expect(check.holds, "\(check)")
        }
        for check in evidence.writes { Evidence.note("writes during \(check)") }
    }

    @Test(
        """
        Tenant isolation's file, run as psql would for a tenant with no orders: refused, naming the tenant, \
        and none of the file's helper tables outlives the session
        """,
        .proves(.tenantIsolation))
    func isolationFileRefusedLeavesNothing() throws {
        // Past the tool's own check (BadInputTests): the file alone, statement by statement,
        // stopping at the first error as `psql -v ON_ERROR_STOP=1 -f` does. Citus itself would not
        // refuse (isolate_tenant_to_new_shard is strict: no tenant, no split, no error); the file does.
        let session = try cluster.connect("isolation file, a tenant with no orders")
        defer { session.close() }
        _ = try session.query("SELECT set_config('citus_verify.tenant_id', '987654321', false)")
        let error = try #require(throws: DatabaseError.self) { try cluster.run(.isolateTenant, on: session) }
        session.close()  // its temporary tables go with it, before they are looked for
        #expect(error.description.contains("tenant 987654321 has no orders: nothing to isolate"), "\(error)")
        // Its helper tables are temporary: whatever the file made before the error goes with the
        // session, so the next run (another tenant, another session) starts clean.
        let left = try cluster.coordinator.rows(
            """
            SELECT relname::text AS name FROM pg_class
            WHERE relname IN ('heavy_tenant', 'wanted_tenant') AND relpersistence <> 't'
            """
        ).map { try $0.get("name", as: String.self) }
        #expect(left.isEmpty, "left by the refused run: \(left)")
    }

    @Test(
        """
        The worker lists 30 and 33 print hold the primaries other than the coordinator: a registered \
        coordinator and a secondary, planted in a rolled-back transaction, change nothing in them
        """,
        .proves(.thirdWorkerAdded, .drainWithoutLoss))
    func workerListsLeaveOutCoordinatorAndSecondaries() throws {
        // The suite's cluster has neither, so each file's filter is checked on them made for it.
        let coordinator = cluster.configuration.coordinator
        for file in [SQLFile.addWorkerNode, .drainWorker] {
            let script = try file.script(
                variables: cluster.sqlVariables.merging(["drain_host": "-", "drain_port": "0"]) { $1 })
            let workers = try #require(script.statements.first { $0.label == "workers" }, "\(file.rawValue)")
            let listed = { (c: Connection) throws -> [String] in try c.query(workers.text).rows.map { "\($0)" } }
            let plain = try cluster.rolledBack("\(file.rawValue) workers") { try listed($0) }
            let planted = try cluster.rolledBack("\(file.rawValue) workers, planted nodes") { c in
                try c.query(
                    """
                    INSERT INTO pg_dist_node (groupid, nodename, nodeport, noderole, isactive)
                    VALUES (0, $1, $2, 'primary', true),
                           ((SELECT min(groupid) FROM pg_dist_node WHERE groupid > 0), $1, 1, 'secondary', true)
                    """, [coordinator.host, coordinator.port])
                return try listed(c)
            }
            #expect(!plain.isEmpty && planted == plain, "\(file.rawValue): \(plain) became \(planted)")
        }
    }
}
