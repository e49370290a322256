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

extension Cluster {
    /// Phase 2: Citus on the coordinator, workers 1 and 2 registered, orders and order_items
    /// distributed by user_id and colocated, regions a reference table.
    @discardableResult
    public func distribute() throws -> DistributeEvidence {
        guard try hasTable("orders") else {
            throw StageMismatch(operation: "distributing (Phase 2)", needs: .baseline, found: try recordedStageText() ?? "no orders table")
        }
        // Any Citus table at all, not only orders: a half-done earlier distribute is refused too.
        if try hasExtension("citus"), try sqlValue("SELECT count(*) FROM citus_tables", as: Int.self) > 0 {
            throw ReshardRefused(description: "Citus is already enabled and tables are distributed: nothing to distribute")
        }
        try recordStageChanging(to: .distributed)
        let started = Date()
        let version: String = try run("sharding/10_enable_citus.sql").row("citus_version").get("citus_version")
        let workers = try run("sharding/11_add_workers.sql").named("active_workers").rows.map {
            workerName(host: try $0.get("node_name"), port: try $0.get("node_port"))
        }
        _ = try coordinator.takeNotices()
        try run("sharding/12_distribute_table.sql")
        try run("sharding/13_create_reference_table.sql")
        let notices = try coordinator.takeNotices()
        let verification = try run("sharding/14_verify_distribution.sql")
        try recordStage(.distributed)
        return DistributeEvidence(citusVersion: version, activeWorkers: workers, notices: notices,
                                  seconds: Date().timeIntervalSince(started), verification: verification)
    }
}
