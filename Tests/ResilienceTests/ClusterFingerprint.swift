import ClusterFixtures
import ClusterTesting

/// What "the cluster as it was" means for the bad-input tests: every table's checksum, the nodes
/// Citus knows, and where each shard lives.
struct ClusterFingerprint: Equatable, CustomStringConvertible {
    var checksums: [TableChecksum]
    var nodes: [String]
    var placements: [String]

    init(of cluster: Cluster) throws {
        checksums = try cluster.checksums()
        let citus = try cluster.hasExtension("citus")
        nodes = citus ? try cluster.sqlRows("""
            SELECT format('%s:%s active=%s shards=%s', nodename, nodeport, isactive, shouldhaveshards) AS line
            FROM pg_dist_node ORDER BY nodeid
            """).map { try $0.get("line") } : []
        placements = citus ? try cluster.sqlRows("""
            SELECT format('%s@%s:%s', shardid, nodename, nodeport) AS line FROM citus_shards ORDER BY shardid, nodeport
            """).map { try $0.get("line") } : []
    }

    var description: String { "\(checksums.map(\.description)); nodes \(nodes); \(placements.count) placements" }
}
