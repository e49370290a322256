/// How many shards of a table (or of every Citus table) each node holds, by worker name: a
/// snapshot taken between steps.
public struct ShardPlacements: Sendable, Equatable, CustomStringConvertible {
    /// The table, or "all tables".
    public var table: String
    public var shardsByNode: [String: Int]

    public var total: Int { shardsByNode.values.reduce(0, +) }
    public func shards(on node: String) -> Int { shardsByNode[node] ?? 0 }

    public var description: String {
        "\(table): " + shardsByNode.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}

extension Cluster {
    /// Shards per node of `table`, or of every Citus table when it is nil.
    public func placements(of table: String? = nil) throws -> ShardPlacements {
        let rows = try coordinator.rows(
            """
            SELECT nodename, nodeport, count(*) AS shards
            FROM citus_shards WHERE $1::regclass IS NULL OR table_name = $1::regclass
            GROUP BY nodename, nodeport
            """, [table])
        var counts: [String: Int] = [:]
        for row in rows {
            counts[workerName(host: try row.get("nodename"), port: try row.get("nodeport")), default: 0] += try row.get(
                "shards", as: Int.self)
        }
        return ShardPlacements(table: table ?? "all tables", shardsByNode: counts)
    }

    /// Rows of each placement of `table`, summed per node and counted on the node that holds each
    /// (`run_command_on_placements`): a copy that is placed but not whole shows here, where the
    /// placement catalog alone would not. A placement the count failed on reads -1.
    public func rowsPerNode(of table: String) throws -> [String: Int] {
        var rows: [String: Int] = [:]
        for row in try coordinator.rows(
            """
            SELECT nodename, nodeport, success, result
            FROM run_command_on_placements($1::regclass, 'SELECT count(*) FROM %s')
            """, [table])
        {
            let node = workerName(host: try row.get("nodename"), port: try row.get("nodeport"))
            let count = try row.get("success", as: Bool.self) ? Int(try row.get("result", as: String.self)) ?? -1 : -1
            rows[node] = count < 0 || rows[node] == -1 ? -1 : (rows[node] ?? 0) + count
        }
        return rows
    }

    /// Records in Citus's deferred-cleanup table: moves and splits leave these behind until cleanup.
    public func pendingCleanupRecords() throws -> Int {
        try coordinator.value("SELECT count(*) FROM pg_dist_cleanup")
    }
}

extension Cluster {
    /// Placements of the lifecycle's distributed tables (orders, order_items) that the metadata puts
    /// on `worker`: what `shardTableCount(on:)` must find there.
    public func distributedShards(on worker: String) throws -> Int {
        try placements(of: "orders").shards(on: worker) + placements(of: "order_items").shards(on: worker)
    }

    /// The shard tables of the lifecycle's distributed tables that physically exist on the node
    /// behind `connection`. Citus hides shards from catalog queries by default
    /// (`citus.show_shards_for_app_name_prefixes`), which would make this count 0 everywhere; the
    /// setting is lifted for this one transaction.
    public func shardTableCount(on node: Node) throws -> Int {
        let connection = try node.connection
        try connection.execute("BEGIN")
        defer { _ = try? connection.execute("COMMIT") }
        if try hasExtension("citus", on: connection) {
            try connection.execute("SET LOCAL citus.show_shards_for_app_name_prefixes = '*'")
        }
        return try connection.query(
            """
            SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname ~ '^(orders|order_items)_[0-9]+$'
            """
        ).single().get(0)
    }
}
