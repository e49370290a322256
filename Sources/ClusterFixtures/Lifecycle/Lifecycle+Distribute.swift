import Foundation

/// What Phase 2's steps returned.
public struct DistributeEvidence: Sendable {
    /// `citus_version()` right after `CREATE EXTENSION`.
    public var citusVersion: String
    /// `citus_get_active_worker_nodes()` right after registering the workers.
    public var activeWorkers: [String]
    /// Notices Citus sent while distributing (copy progress, hints).
    public var notices: [String]
    public var seconds: Double
    /// What `14_verify_distribution.sql` printed, by label.
    public var verification: ScriptResults
}

extension Lifecycle {
    /// Phase 2: Citus on the coordinator, every worker but the last registered, orders and order_items
    /// distributed by user_id and colocated, regions a reference table.
    @discardableResult
    public func distribute() throws -> DistributeEvidence {
        guard try cluster.hasTable("orders") else {
            throw StageMismatch(
                operation: "distributing (Phase 2)", needs: .baseline,
                found: try store.recordedStageText() ?? "no orders table")
        }
        // Any Citus table at all, not only orders: a half-done earlier distribute is refused too.
        if try cluster.hasExtension("citus"),
            try cluster.coordinator.value("SELECT count(*) FROM citus_tables", as: Int.self) > 0
        {
            throw ReshardRefused(
                description: "Citus is already enabled and tables are distributed: nothing to distribute")
        }
        try store.recordStageChanging(to: .distributed)
        let started = Date()
        let version: String = try cluster.run(.enableCitus).row("citus_version").get("citus_version")
        let workers = try cluster.run(.addWorkers).named("active_workers").rows.map {
            cluster.workerName(host: try $0.get("node_name"), port: try $0.get("node_port"))
        }
        _ = try cluster.coordinator.connection.takeNotices()
        try cluster.run(.distributeTables)
        try cluster.run(.createReferenceTable)
        let notices = try cluster.coordinator.connection.takeNotices()
        let verification = try cluster.run(.verifyDistribution)
        try store.recordStage(.distributed)
        return DistributeEvidence(
            citusVersion: version, activeWorkers: workers, notices: notices,
            seconds: Date().timeIntervalSince(started), verification: verification)
    }
}
