import Foundation

/// What Phase 3's steps did, captured between the steps (the end state alone cannot show that the
/// rebalance balanced three workers, since the drain then removes one).
public struct ReshardEvidence: Sendable {
    /// Checksums of every table right after a step, with Citus's pending cleanup records.
    public struct StepCheck: Sendable {
        public var step: String
        public var checksums: [TableChecksum]
        public var pendingCleanup: Int
    }

    public var activeWorkersAfterAdd: [String]
    /// Placements of regions (the reference table) per worker right after `30_add_worker_node.sql`,
    /// before any rebalance could have copied it.
    public var regionsAfterAdd: ShardPlacements
    /// Rows of regions on each node right after it, counted on the node (`Cluster.rowsPerNode`).
    public var regionRowsAfterAdd: [String: Int]
    /// What `30_add_worker_node.sql` printed, by label.
    public var addWorkerResults: ScriptResults
    /// What the workers showed of logical replication while `30_add_worker_node.sql` ran: its copy
    /// of the reference table holds writes (`block_writes`) and takes no slot or subscription.
    public var addWorkerReplication: ReplicationEvidence
    /// Shards of orders the isolation had to add, from the tenant's shard range before it (one when
    /// the tenant's hash is at an end of the range, two otherwise).
    public var expectedNewShards: Int
    public var beforeRebalance: ShardPlacements
    public var afterRebalance: ShardPlacements
    /// The node (`host:port`, as registered) of each shard of orders before and after the
    /// rebalance, from the placement catalog: what the file's planned moves are judged against.
    public var shardNodesBeforeRebalance: [Int64: String]
    public var shardNodesAfterRebalance: [Int64: String]
    /// The dry runs' plans, made right before the rebalance (`36_plan_rebalance.sql`) and the
    /// drain (`37_plan_drain.sql`), and whether the drained worker still took shards after its dry
    /// run (the dry run must change nothing).
    public var dryRunRebalance: [PlannedMove]
    public var dryRunDrain: [PlannedMove]
    public var drainedTookShardsAfterDryRun: Bool
    /// Placements (`table shardid`) of orders and order_items on the drained worker right before the drain.
    public var placementsOnDrainedWorker: Set<String>
    /// Where each of those placements (`table shardid`) is after the drain (a worker's name, or
    /// host:port for a node the configuration does not name): what the drain did, compared with
    /// what 37 planned.
    public var drainedPlacementsAfter: [String: String]
    public var rebalance: OperationReport
    public var isolation: TenantIsolation
    public var drainedWorker: String
    public var afterDrain: ShardPlacements
    public var drain: OperationReport
    public var steps: [StepCheck]
    /// The tenant with the most orders and its order count, read before any writer started.
    public var heaviestTenant: (id: Int, orders: Int)
    /// What the writers active during the rebalance, the isolation and the drain had acknowledged,
    /// checked against the database after each.
    public var writes: [LedgerCheck]

    public func step(_ name: String) -> StepCheck? { steps.first { $0.step == name } }
}

/// What isolating one tenant did: the shard it lived in, the shard it lives in now, and that new
/// shard's hash range.
public struct TenantIsolation: Sendable {
    public var tenant: Int
    public var tenantOrders: Int
    public var shardBefore: Int64
    public var shardAfter: Int64
    public var shardMinValue: Int64
    public var shardMaxValue: Int64
    public var tenantHash: Int64
    public var orderShardCountBefore: Int
    public var orderShardCountAfter: Int
    public var report: OperationReport
}

/// A resharding step asked for something the cluster cannot do as it stands.
public struct ReshardRefused: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

extension Lifecycle {
    /// Phase 3: add the last configured worker, rebalance, isolate the heaviest tenant, drain the
    /// first worker and remove it (`ClusterConfiguration.addedWorker`, `.drainedWorker`).
    @discardableResult
    /// With `writers`, each long operation runs while writers insert and update orders (see
    /// `withWriters`), and what they acknowledged is checked after each.
    /// The isolation runs `32_isolate_tenant.sql` as the README shows it, naming no tenant: the
    /// file's own choice is what the tests judge. `hotTenant` (the seed's heaviest) gets a share of
    /// the writers' orders during the split.
    public func reshard(timeLimit: Duration = .seconds(600), writers: Bool = false, hotTenant: Int? = nil) throws
        -> ReshardEvidence
    {
        try require(.distributed, for: "Phase 3 (reshard)")
        try store.recordStageChanging(to: .resharded)
        var steps: [ReshardEvidence.StepCheck] = []
        func check(_ step: String) throws {
            steps.append(
                .init(
                    step: step, checksums: try cluster.checksums(), pendingCleanup: try cluster.pendingCleanupRecords())
            )
        }
        var writes: [LedgerCheck] = []
        // Each long operation runs with writers active; their rows are checked, then removed, so
        // the step's checksums compare with the baseline again.
        func whileWriting<T: Sendable>(
            _ name: String, hotTenant: Int? = nil, updates: Bool = true,
            _ operation: () throws -> T
        ) throws -> T {
            guard writers else { return try operation() }
            var options = LoadGenerator.Options.ledger(
                seed: configuration.seed &+ UInt64(writes.count + 1), hotTenant: hotTenant)
            if !updates { options.updateShare = 0 }
            let (value, check) = try self.whileWriting(name, options, measuringCoverage: true, operation)
            writes.append(check)
            return value
        }

        try reverseWorkerRowOrder()
        let (active, addReport) = try addWorkerReporting()
        let regionsAfterAdd = try cluster.placements(of: "regions")
        let regionRowsAfterAdd = try cluster.rowsPerNode(of: "regions")
        try check("add worker")

        let before = try cluster.placements(of: "orders")
        let shardNodesBefore = try shardMap().mapValues(\.node)
        let dryRunRebalance = try planRebalance()
        let rebalance = try whileWriting("rebalance") { try self.rebalance(timeLimit: timeLimit) }
        let after = try cluster.placements(of: "orders")
        let shardNodesAfter = try shardMap().mapValues(\.node)
        try check("rebalance")

        let heaviest = try cluster.heaviestTenant()
        let isolated = hotTenant ?? heaviest.id
        let range = try cluster.coordinator.row(
            """
            SELECT s.shardminvalue::bigint AS min, s.shardmaxvalue::bigint AS max, worker_hash($1::bigint) AS hash
            FROM pg_dist_shard s WHERE s.shardid = get_shard_id_for_distribution_column('orders', $1::bigint)
            """, [isolated])
        let hash: Int64 = try range.get("hash")
        let expectedNewShards =
            (hash > (try range.get("min", as: Int64.self)) ? 1 : 0)
            + (hash < (try range.get("max", as: Int64.self)) ? 1 : 0)
        // Inserts only during the split: an UPDATE replicated into a non-blocking shard split can
        // stall it for good (Citus 13.2.2 here: the split's apply worker fails over and over with
        // "publisher did not send replica identity column expected by the logical replication
        // target relation" and isolate_tenant_to_new_shard never returns; citusdata/citus#6790,
        // open). Moves (rebalance, drain) take updates fine and get them.
        let isolation = try whileWriting("tenant isolation", hotTenant: isolated, updates: false) {
            try isolateTenant(nil, timeLimit: timeLimit)
        }
        try check("tenant isolation")

        let drained = configuration.drainedWorker
        try reverseWorkerRowOrder()
        let dryRunDrain = try planDrain(drained)
        let drainedTakesShards = try cluster.coordinator.value(
            "SELECT shouldhaveshards FROM pg_dist_node WHERE nodename = $1 AND nodeport = $2",
            [drained.registeredAddress.host, drained.registeredAddress.port], as: Bool.self)
        let drainedShards = try cluster.catalogPlacements().filter {
            ["orders", "order_items"].contains($0.table)
                && $0.node == "\(drained.registeredAddress.host):\(drained.registeredAddress.port)"
        }
        let onDrained = Set(drainedShards.map { "\($0.table) \($0.shardID)" })
        let drain = try whileWriting("drain \(drained.name)") { try self.drain(drained, timeLimit: timeLimit) }
        let afterDrain = try cluster.placements(of: "orders")
        let drainedPlacementsAfter = Dictionary(
            try cluster.coordinator.rows(
                """
                SELECT s.logicalrelid::text AS table_name, p.shardid, n.nodename, n.nodeport
                FROM pg_dist_placement p JOIN pg_dist_shard s USING (shardid) JOIN pg_dist_node n USING (groupid)
                WHERE p.shardid = ANY($1::bigint[])
                """, [drainedShards.map(\.shardID)]
            ).map { row -> (String, String) in
                (
                    "\(try row.get("table_name", as: String.self)) \(try row.get("shardid", as: Int64.self))",
                    cluster.workerName(host: try row.get("nodename"), port: try row.get("nodeport"))
                )
            },
            uniquingKeysWith: { first, _ in first })
        try check("drain")
        try store.recordStage(.resharded)
        return ReshardEvidence(
            activeWorkersAfterAdd: active, regionsAfterAdd: regionsAfterAdd, regionRowsAfterAdd: regionRowsAfterAdd,
            addWorkerResults: addReport.results, addWorkerReplication: addReport.replication,
            expectedNewShards: expectedNewShards,
            beforeRebalance: before, afterRebalance: after,
            shardNodesBeforeRebalance: shardNodesBefore, shardNodesAfterRebalance: shardNodesAfter,
            dryRunRebalance: dryRunRebalance, dryRunDrain: dryRunDrain,
            drainedTookShardsAfterDryRun: drainedTakesShards, placementsOnDrainedWorker: onDrained,
            drainedPlacementsAfter: drainedPlacementsAfter,
            rebalance: rebalance, isolation: isolation, drainedWorker: drained.name,
            afterDrain: afterDrain, drain: drain, steps: steps, heaviestTenant: heaviest, writes: writes)
    }

    /// Rewrites each worker's row of `pg_dist_node`, the highest node id first, with the value it
    /// already has (`citus_set_node_property`), so that the catalog's physical order is the reverse
    /// of node-id order. A file that lists workers without its `ORDER BY` then prints them in an
    /// order the tests notice, instead of passing because the rows happen to lie in id order.
    func reverseWorkerRowOrder() throws {
        let workers = try cluster.coordinator.rows(
            """
            SELECT nodename, nodeport, shouldhaveshards FROM pg_dist_node
            WHERE groupid <> 0 AND noderole = 'primary' ORDER BY nodeid DESC
            """)
        for worker in workers {
            try cluster.coordinator.execute(
                "SELECT citus_set_node_property($1, $2, 'shouldhaveshards', $3)",
                [
                    try worker.get("nodename", as: String.self), try worker.get("nodeport", as: Int.self),
                    try worker.get("shouldhaveshards", as: Bool.self),
                ])
        }
    }

    /// Registers the worker Phase 2 kept back, the last configured (`30_add_worker_node.sql`);
    /// returns the active workers afterwards.
    @discardableResult
    public func addWorker() throws -> [String] { try addWorkerReporting().active }

    /// `addWorker`, with what the file printed and what the workers showed while it ran.
    func addWorkerReporting() throws -> (active: [String], report: OperationReport) {
        try requireDistributedTables()
        let added = configuration.addedWorker
        guard try !cluster.isRegistered(added.registeredAddress) else {
            throw ReshardRefused(description: "\(added.name) (\(added.registeredAddress)) is already registered")
        }
        try store.recordStageChanging(to: .resharded)
        let report = try runWatched(.addWorkerNode, name: "add worker", timeLimit: .seconds(120))
        return (try cluster.activeWorkers(), report)
    }

    /// Registers the worker Phase 3 adds with `citus_add_node` alone, as an operator adding a node
    /// by hand would: without the reference tables 30 copies there next. A shard that refers to
    /// regions cannot live on it until regions is copied too, which 35 does before its move.
    public func registerAddedWorkerAlone() throws {
        try requireDistributedTables()
        let added = configuration.addedWorker
        let address = added.registeredAddress
        // citus_add_node returns the id of a node it knows already: refused here, as addWorker does.
        guard try !cluster.isRegistered(address) else {
            throw ReshardRefused(description: "\(added.name) (\(address)) is already registered")
        }
        try store.recordStageChanging(to: .resharded)
        _ = try cluster.coordinator.value("SELECT citus_add_node($1, $2)", [address.host, address.port], as: Int.self)
    }

    /// Each shard of orders with the node holding it and its hash range, from the placement catalog.
    func shardMap() throws -> [Int64: (node: String, min: Int64, max: Int64)] {
        var map: [Int64: (node: String, min: Int64, max: Int64)] = [:]
        for placement in try cluster.catalogPlacements() where placement.table == "orders" {
            map[placement.shardID] = (placement.node, placement.min ?? .min, placement.max ?? .max)
        }
        return map
    }

    /// Shard groups of orders that moved to another node or were split between `before` and
    /// `after`, and how many of them an acknowledged write of `writes` hit (by its tenant's hash):
    /// writers that never touched a moved shard prove nothing about it.
    func coverage(
        of writes: LoadReport, before: [Int64: (node: String, min: Int64, max: Int64)],
        after: [Int64: (node: String, min: Int64, max: Int64)]
    ) throws -> (moved: Int, covered: Int) {
        let moved = before.filter { after[$0.key]?.node != $0.value.node }.map(\.value)
        let users = Array(Set(writes.acknowledged.map(\.userID))).sorted()
        let hashes = try cluster.coordinator.rows(
            "SELECT worker_hash(u) AS hash FROM unnest($1::bigint[]) AS u", [users]
        )
        .map { try $0.get("hash", as: Int64.self) }
        let covered = moved.filter { shard in hashes.contains { $0 >= shard.min && $0 <= shard.max } }
        return (moved.count, covered.count)
    }

    /// Moves shard groups until every worker holds the same number (`31_rebalance_shards.sql`).
    public func rebalance(
        timeLimit: Duration = .seconds(600), settings: [String: String] = [:],
        onProgress: ((String) -> Void)? = nil, onSnapshot: ((OperationProgress) -> Void)? = nil,
        cancellation: OperationCancellation? = nil
    ) throws -> OperationReport {
        try requireDistributedTables()
        try store.recordStageChanging(to: .resharded)
        return try runWatched(
            .rebalanceShards, name: "rebalance", settings: settings,
            timeLimit: timeLimit, onProgress: onProgress, onSnapshot: onSnapshot, cancellation: cancellation)
    }

    /// Gives one tenant a shard of its own (`32_isolate_tenant.sql`): the tenant with the most
    /// orders, or `tenant` when given.
    public func isolateTenant(
        _ tenant: Int? = nil, timeLimit: Duration = .seconds(600),
        onProgress: ((String) -> Void)? = nil, onSnapshot: ((OperationProgress) -> Void)? = nil,
        cancellation: OperationCancellation? = nil
    ) throws -> TenantIsolation {
        try requireDistributedTables()
        if let tenant {
            let orders = try cluster.coordinator.value(
                "SELECT count(*) FROM orders WHERE user_id = $1", [tenant], as: Int.self)
            guard orders > 0 else {
                throw ReshardRefused(description: "tenant \(tenant) has no orders: nothing to isolate")
            }
        }
        try store.recordStageChanging(to: .resharded)
        let countBefore = try cluster.placements(of: "orders").total
        let report = try runWatched(
            .isolateTenant, name: "tenant isolation",
            settings: ["citus_verify.tenant_id": tenant.map(String.init) ?? ""],
            timeLimit: timeLimit, onProgress: onProgress, onSnapshot: onSnapshot, cancellation: cancellation)
        let beforeRow = try report.results.row("tenant_before")
        let afterRow = try report.results.row("tenant_after")
        return TenantIsolation(
            tenant: try beforeRow.get("user_id"), tenantOrders: try beforeRow.get("orders"),
            shardBefore: try beforeRow.get("shard_before"), shardAfter: try afterRow.get("shard_after"),
            shardMinValue: try afterRow.get("shardminvalue"), shardMaxValue: try afterRow.get("shardmaxvalue"),
            tenantHash: try afterRow.get("tenant_hash"),
            orderShardCountBefore: countBefore, orderShardCountAfter: try cluster.placements(of: "orders").total,
            report: report)
    }

    /// Moves every shard off `worker`, then removes it from the metadata (`33_drain_worker.sql`).
    public func drain(
        _ worker: ClusterConfiguration.Worker, timeLimit: Duration = .seconds(600), settings: [String: String] = [:],
        onProgress: ((String) -> Void)? = nil, onSnapshot: ((OperationProgress) -> Void)? = nil,
        cancellation: OperationCancellation? = nil
    ) throws -> OperationReport {
        try requireDistributedTables()
        let address = worker.registeredAddress
        let others = try cluster.coordinator.value(
            """
            SELECT count(*) FROM pg_dist_node
            WHERE noderole = 'primary' AND isactive AND shouldhaveshards AND groupid <> 0
              AND NOT (nodename = $1 AND nodeport = $2)
            """, [address.host, address.port], as: Int.self)
        guard try cluster.isRegistered(address) else {
            throw ReshardRefused(description: "\(worker.name) (\(address)) is not registered: nothing to drain")
        }
        guard others > 0 else {
            throw ReshardRefused(
                description:
                    """
                    \(worker.name) (\(address)) is the last worker that can hold shards: draining it would leave \
                    them nowhere to go
                    """
            )
        }
        try store.recordStageChanging(to: .resharded)
        return try runWatched(
            .drainWorker, name: "drain \(worker.name)",
            variables: ["drain_host": address.host, "drain_port": String(address.port)],
            settings: settings, timeLimit: timeLimit, onProgress: onProgress, onSnapshot: onSnapshot,
            cancellation: cancellation)
    }

    /// Moves one shard group to `worker` (`35_move_shard.sql`); `settings` are session settings
    /// for the move's connection.
    public func moveShard(
        _ shardID: Int64, to worker: ClusterConfiguration.Worker, timeLimit: Duration = .seconds(600),
        settings: [String: String] = [:], onProgress: ((String) -> Void)? = nil
    ) throws -> OperationReport {
        try requireDistributedTables()
        try store.recordStageChanging(to: .resharded)
        return try runWatched(
            .moveShard, name: "move shard \(shardID) to \(worker.name)",
            variables: [
                "shard_id": String(shardID), "target_host": worker.registeredAddress.host,
                "target_port": String(worker.registeredAddress.port),
            ],
            settings: settings, timeLimit: timeLimit, onProgress: onProgress)
    }
}
