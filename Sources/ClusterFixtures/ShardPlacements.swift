/// How many shards of a table each node holds, by worker name: a snapshot taken between steps.
public struct ShardPlacements: Sendable, Equatable, CustomStringConvertible {
    public var table: String
    public var shardsByNode: [String: Int]

    public var total: Int { shardsByNode.values.reduce(0, +) }
    public func shards(on node: String) -> Int { shardsByNode[node] ?? 0 }

    public var description: String {
        "\(table): " + shardsByNode.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}

extension Cluster {
    public func placements(of table: String) throws -> ShardPlacements {
        let rows = try sqlRows("""
            SELECT nodename, nodeport, count(*) AS shards
            FROM citus_shards WHERE table_name = $1::regclass
            GROUP BY nodename, nodeport
            """, [table])
        var counts: [String: Int] = [:]
        for row in rows {
            counts[workerName(host: try row.get("nodename"), port: try row.get("nodeport")), default: 0] += try row.get("shards", as: Int.self)
        }
        return ShardPlacements(table: table, shardsByNode: counts)
    }

    /// Records in Citus's deferred-cleanup table: moves and splits leave these behind until cleanup.
    public func pendingCleanupRecords() throws -> Int {
        try sqlValue("SELECT count(*) FROM pg_dist_cleanup")
    }
}

extension Cluster {
    /// The shard tables of the lifecycle's distributed tables that physically exist on the node
    /// behind `connection`. Citus hides shards from catalog queries by default
    /// (`citus.show_shards_for_app_name_prefixes`), which would make this count 0 everywhere; the
    /// setting is lifted for this one transaction.
    public func shardTableCount(on connection: Connection) throws -> Int {
        try connection.execute("BEGIN")
        defer { _ = try? connection.execute("COMMIT") }
        if try connection.query("SELECT count(*) FROM pg_extension WHERE extname = 'citus'").rows[0].get(0, as: Int.self) > 0 {
            try connection.execute("SET LOCAL citus.show_shards_for_app_name_prefixes = '*'")
        }
        return try connection.query("""
            SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname ~ '^(orders|order_items)_[0-9]+$'
            """).rows[0].get(0)
    }
}
