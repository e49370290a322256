/// The query demonstrations, each a file in `sql/queries/`: what `citus-verify demo <kind>` runs
/// and what every phase compares with the baseline's results.
public enum DemoQuery: String, CaseIterable, Sendable {
    case singleShard = "single-shard"
    case crossShard = "cross-shard"
    case join
    case aggregate

    /// Its file.
    public var file: SQLFile {
        switch self {
        case .singleShard: .singleShardQuery
        case .crossShard: .crossShardQuery
        case .join: .joinQueries
        case .aggregate: .aggregateQuery
        }
    }

    /// What the demonstration shows, in a line.
    public var summary: String {
        switch self {
        case .singleShard: "one tenant's orders: routed to the one shard that holds the tenant"
        case .crossShard: "aggregates over every tenant: one task per shard, combined on the coordinator"
        case .join: "reference-table, colocated and repartitioned (cross-shard) joins"
        case .aggregate: "grouping by the distribution column (pushed down) and by another column (two-stage)"
        }
    }
}
