import Foundation

/// What Phase 3's steps did, captured between the steps (the end state alone cannot show that the
/// rebalance balanced three workers, since the drain then removes one).
public struct ReshardEvidence: Sendable {
    public struct Isolation: Sendable {
        public var tenant: Int
        public var tenantOrders: Int
        public var shardBefore: Int64
        public var shardAfter: Int64
        public var shardMinValue: Int64
        public var shardMaxValue: Int64
        public var tenantHash: Int64
        public var orderShardCountBefore: Int
        public var orderShardCountAfter: Int
    }

    /// Checksums of every table right after a step, with Citus's pending cleanup records.
    public struct StepCheck: Sendable {
        public var step: String
        public var checksums: [TableChecksum]
        public var pendingCleanup: Int
    }

    public var activeWorkersAfterAdd: [String]
    public var beforeRebalance: ShardPlacements
    public var afterRebalance: ShardPlacements
    public var rebalance: OperationReport
    public var isolation: Isolation
    public var isolationReport: OperationReport
    public var drainedWorker: String
    public var afterDrain: ShardPlacements
    public var drain: OperationReport
    public var steps: [StepCheck]

    public func step(_ name: String) -> StepCheck? { steps.first { $0.step == name } }
}

extension Cluster {
    /// The worker Phase 3 drains and removes.
    public static let drainedWorkerNumber = 1

    /// Phase 3: add worker 3, rebalance, isolate the heaviest tenant, drain worker 1 and remove it.
    @discardableResult
    public func reshard(timeLimit: Int = 600) throws -> ReshardEvidence {
        try recordStageChanging(to: .resharded)
        var steps: [ReshardEvidence.StepCheck] = []
        func check(_ step: String) throws {
            steps.append(.init(step: step, checksums: try checksums(), pendingCleanup: try pendingCleanupRecords()))
        }

        try run("resharding/30_add_worker_node.sql")
        let active = try sqlRows("SELECT node_name, node_port FROM citus_get_active_worker_nodes() ORDER BY node_port").map {
            workerName(host: try $0.get("node_name"), port: try $0.get("node_port"))
        }
        try check("add worker")

        let before = try placements(of: "orders")
        let rebalance = try runWatched("resharding/31_rebalance_shards.sql", name: "rebalance", timeLimit: timeLimit)
        let after = try placements(of: "orders")
        try check("rebalance")

        let countBefore = try placements(of: "orders").total
        let isolationReport = try runWatched("resharding/32_isolate_tenant.sql", name: "tenant isolation", timeLimit: timeLimit)
        // Statement order in 32_isolate_tenant.sql: create, before, isolate, verify, cleanup, drop.
        let beforeRow = isolationReport.results[1].rows[0]
        let afterRow = isolationReport.results[3].rows[0]
        let isolation = ReshardEvidence.Isolation(
            tenant: try beforeRow.get("user_id"), tenantOrders: try beforeRow.get("orders"),
            shardBefore: try beforeRow.get("shard_before"), shardAfter: try afterRow.get("shard_after"),
            shardMinValue: try afterRow.get("shardminvalue"), shardMaxValue: try afterRow.get("shardmaxvalue"),
            tenantHash: try afterRow.get("tenant_hash"),
            orderShardCountBefore: countBefore, orderShardCountAfter: try placements(of: "orders").total)
        try check("tenant isolation")

        let drained = configuration.workers[Self.drainedWorkerNumber - 1]
        let drain = try runWatched("resharding/33_drain_worker.sql", name: "drain \(drained.name)",
                                   variables: ["drain_host": drained.registeredAddress.host,
                                               "drain_port": String(drained.registeredAddress.port)],
                                   timeLimit: timeLimit)
        let afterDrain = try placements(of: "orders")
        try check("drain")
        try recordStage(.resharded)
        return ReshardEvidence(activeWorkersAfterAdd: active, beforeRebalance: before, afterRebalance: after,
                               rebalance: rebalance, isolation: isolation, isolationReport: isolationReport,
                               drainedWorker: drained.name, afterDrain: afterDrain, drain: drain, steps: steps)
    }
}
