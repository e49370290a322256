import Foundation

/// What Phase 4's step did.
public struct UndistributeEvidence: Sendable {
    public var report: OperationReport
    /// Row counts of citus_tables, pg_dist_partition and pg_dist_shard that the SQL file read.
    public var citusTablesLeft: Int
    public var partitionsLeft: Int
    public var shardsLeft: Int
    /// What the writers active during the undistribute had acknowledged, checked afterwards (nil
    /// when it ran without writers).
    public var writes: LedgerCheck?
}

extension Lifecycle {
    /// Phase 4: every table back to a plain PostgreSQL table on the coordinator.
    @discardableResult
    /// With `writers`, it runs while writers insert and update orders, and what they acknowledged
    /// is checked afterwards.
    public func undistribute(timeLimit: Duration = .seconds(600), writers: Bool = false) throws -> UndistributeEvidence
    {
        guard try ordersIsDistributed() else {
            throw ReshardRefused(description: "orders is not a distributed table: nothing to undistribute")
        }
        try store.recordStageChanging(to: .undistributed)
        let operation = {
            try self.runWatched(
                .undistributeTables, name: "undistribute",
                progressQuery: "SELECT 'running' AS line WHERE false", timeLimit: timeLimit)
        }
        let report: OperationReport
        var writes: LedgerCheck?
        if writers {
            (report, writes) = try whileWriting(
                "undistribute", .ledger(seed: configuration.seed &+ 100), measuringCoverage: false, operation)
        } else {
            report = try operation()
        }
        let results = report.results
        let evidence = UndistributeEvidence(
            report: report, citusTablesLeft: try results.row("citus_tables_left").get("citus_tables"),
            partitionsLeft: try results.row("partitions_left").get("distributed_relations"),
            shardsLeft: try results.row("shards_left").get("shards"), writes: writes)
        try store.recordStage(.undistributed)
        return evidence
    }
}
