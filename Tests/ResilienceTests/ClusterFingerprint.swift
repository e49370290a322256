import ClusterFixtures
import ClusterTesting

/// What "the cluster as it was" means for the bad-input tests: which lifecycle tables exist and
/// their checksums, the nodes Citus knows, and where each shard lives. Taken on any cluster, a
/// fresh one with no tables included, so a bad-input test needs no lifecycle stage of its own.
struct ClusterFingerprint: Equatable, CustomStringConvertible {
    var tables: [String]
    var checksums: [TableChecksum]
    var nodes: [String]
    var placements: [String]

    init(of cluster: Cluster) throws {
        tables = try Cluster.tables.filter { try cluster.hasTable($0) }
        checksums = tables.count == Cluster.tables.count ? try cluster.checksums() : []
        let citus = try cluster.hasExtension("citus")
        nodes =
            citus
            ? try cluster.coordinator.rows(
                """
                SELECT format('%s:%s active=%s shards=%s', nodename, nodeport, isactive, shouldhaveshards) AS line
                FROM pg_dist_node ORDER BY nodeid
                """
            ).map { try $0.get("line") } : []
        placements =
            citus
            ? try cluster.coordinator.rows(
                """
                SELECT format('%s@%s:%s', shardid, nodename, nodeport) AS line FROM citus_shards
                ORDER BY shardid, nodeport
                """
            ).map { try $0.get("line") } : []
    }

    var description: String {
        "tables \(tables); \(checksums.map(\.description)); nodes \(nodes); \(placements.count) placements"
    }
}
