import Foundation

/// What Phase 4's step did.
public struct UndistributeEvidence: Sendable {
    public var report: OperationReport
    /// Row counts of citus_tables, pg_dist_partition and pg_dist_shard that the SQL file read.
    public var citusTablesLeft: Int
    public var partitionsLeft: Int
    public var shardsLeft: Int
}

extension Cluster {
    /// Phase 4: every table back to a plain PostgreSQL table on the coordinator.
    @discardableResult
    public func undistribute(timeLimit: Int = 600) throws -> UndistributeEvidence {
        guard try hasExtension("citus"),
              try sqlValue("SELECT count(*) FROM citus_tables WHERE table_name = 'orders'::regclass", as: Int.self) == 1 else {
            throw ReshardRefused(description: "orders is not a distributed table: nothing to undistribute")
        }
        try recordStageChanging(to: .undistributed)
        let report = try runWatched("resharding/34_undistribute_table.sql", name: "undistribute",
                                    progressQuery: "SELECT 'running' AS line WHERE false", timeLimit: timeLimit)
        let counts = report.results.suffix(3).map { (try? $0.rows[0].get(0, as: Int.self)) ?? -1 }
        try recordStage(.undistributed)
        return UndistributeEvidence(report: report, citusTablesLeft: counts[0], partitionsLeft: counts[1], shardsLeft: counts[2])
    }
}
