import Foundation

/// The project's SQL files, one case each, in lifecycle order: the one list by which the fixtures,
/// the tool and the tests name them (a unit test checks it against `sql/`). Each file also runs
/// under `psql -f`; its results are read by their `-- result: name` labels (`ScriptResults`).
public enum SQLFile: String, CaseIterable, Sendable, CustomStringConvertible {
    // Phase 1: baseline
    case createBaseTables = "setup/00_create_base_table.sql"
    case seedData = "setup/01_initial_seed_data.sql"
    // Phase 2: distribute
    case enableCitus = "sharding/10_enable_citus.sql"
    case addWorkers = "sharding/11_add_workers.sql"
    case distributeTables = "sharding/12_distribute_table.sql"
    case createReferenceTable = "sharding/13_create_reference_table.sql"
    case verifyDistribution = "sharding/14_verify_distribution.sql"
    // Queries, every phase
    case singleShardQuery = "queries/20_single_shard_query.sql"
    case crossShardQuery = "queries/21_cross_shard_query.sql"
    case joinQueries = "queries/22_join_queries.sql"
    case explainAnalyze = "queries/23_explain_analyze.sql"
    case distributionStats = "queries/24_distribution_stats.sql"
    case aggregateQuery = "queries/25_aggregate_query.sql"
    // Phase 3: reshard (36 and 37 are the dry runs of 31 and 33)
    case addWorkerNode = "resharding/30_add_worker_node.sql"
    case rebalanceShards = "resharding/31_rebalance_shards.sql"
    case isolateTenant = "resharding/32_isolate_tenant.sql"
    case drainWorker = "resharding/33_drain_worker.sql"
    // Phase 4: undistribute
    case undistributeTables = "resharding/34_undistribute_table.sql"
    // Single moves (fault tests) and dry runs
    case moveShard = "resharding/35_move_shard.sql"
    case planRebalance = "resharding/36_plan_rebalance.sql"
    case planDrain = "resharding/37_plan_drain.sql"

    /// The lifecycle stage this file's step builds; nil for the queries, the single move and the
    /// dry runs, which build none (`ProjectFingerprint` leaves them out of every stage's fingerprint).
    public var builds: LifecycleStage? {
        switch self {
        case .createBaseTables, .seedData: .baseline
        case .enableCitus, .addWorkers, .distributeTables, .createReferenceTable, .verifyDistribution: .distributed
        case .addWorkerNode, .rebalanceShards, .isolateTenant, .drainWorker: .resharded
        case .undistributeTables: .undistributed
        case .singleShardQuery, .crossShardQuery, .joinQueries, .explainAnalyze, .distributionStats, .aggregateQuery,
            .moveShard, .planRebalance, .planDrain:
            nil
        }
    }

    /// The file on disk.
    public var url: URL { ProjectLayout.sqlFile(rawValue) }

    /// `sql/resharding/31_rebalance_shards.sql`, as messages name it.
    public var description: String { "sql/" + rawValue }

    /// The file split into statements, with the psql variables substituted.
    public func script(variables: [String: String]) throws -> SQLScript {
        try SQLScript(contentsOf: url, variables: variables)
    }
}
