import Foundation

/// How a Citus cluster's data is spread: shards and bytes per node, rows and bytes per shard, and
/// which tables share a colocation group. What `citus-verify stats` prints, read from Citus's own
/// views (`citus_shards`, `citus_tables`) and from the shards themselves for row counts.
public struct ShardStatistics: Codable, Sendable, Equatable {
    public struct Node: Codable, Sendable, Equatable {
        public var node: String
        public var address: String
        public var shards: Int
        public var bytes: Int64
    }

    public struct Shard: Codable, Sendable, Equatable {
        public var table: String
        public var shardID: Int64
        public var node: String
        public var rows: Int64
        public var bytes: Int64
        /// Hash range of a hash-distributed shard; nil for reference tables.
        public var minHash: Int64?
        public var maxHash: Int64?
    }

    public struct ColocationGroup: Codable, Sendable, Equatable {
        public var colocationID: Int
        public var tableType: String
        public var distributionColumn: String?
        public var shardCount: Int
        public var tables: [String]
    }

    public var nodes: [Node]
    public var shards: [Shard]
    public var colocationGroups: [ColocationGroup]
}

/// Statistics were asked of a cluster where Citus is not enabled.
public struct CitusNotEnabled: Error, CustomStringConvertible {
    public var node: String
    public var description: String {
        """
        Citus is not enabled in the database on \(node): there are no shards (`citus-verify reshard enable-citus` \
        distributes the tables)
        """
    }
}

extension Cluster {
    /// Reads the statistics; every table Citus knows is included.
    public func shardStatistics() throws -> ShardStatistics {
        guard try hasExtension("citus") else {
            throw CitusNotEnabled(node: "coordinator (\(configuration.coordinator))")
        }
        let nodes = try coordinator.rows(
            """
            SELECT nodename, nodeport, count(*) AS shards, coalesce(sum(shard_size), 0)::bigint AS bytes
            FROM citus_shards GROUP BY nodename, nodeport ORDER BY nodeport, nodename
            """
        ).map { row in
            let host: String = try row.get("nodename")
            let port: Int = try row.get("nodeport")
            return ShardStatistics.Node(
                node: workerName(host: host, port: port), address: "\(host):\(port)",
                shards: try row.get("shards"), bytes: try row.get("bytes"))
        }
        var rowCounts: [Int64: Int64] = [:]
        for table in try coordinator.rows("SELECT table_name::text AS name FROM citus_tables ORDER BY 1") {
            let name: String = try table.get("name")
            for row in try coordinator.rows(
                """
                SELECT shardid, result FROM run_command_on_shards($1::regclass, 'SELECT count(*) FROM %s')
                """, [name])
            {
                rowCounts[try row.get("shardid")] = Int64(try row.get("result", as: String.self)) ?? -1
            }
        }
        let shards = try coordinator.rows(
            """
            SELECT s.table_name::text AS table_name, s.shardid, s.nodename, s.nodeport, s.shard_size,
                   d.shardminvalue::bigint AS min_hash, d.shardmaxvalue::bigint AS max_hash
            FROM citus_shards s JOIN pg_dist_shard d USING (shardid)
            ORDER BY s.table_name::text, s.shardid, s.nodeport
            """
        ).map { row in
            let id: Int64 = try row.get("shardid")
            return ShardStatistics.Shard(
                table: try row.get("table_name"), shardID: id,
                node: workerName(host: try row.get("nodename"), port: try row.get("nodeport")),
                rows: rowCounts[id] ?? -1, bytes: try row.get("shard_size"),
                minHash: try row.optional("min_hash"), maxHash: try row.optional("max_hash"))
        }
        let groups = try coordinator.rows(
            """
            SELECT colocation_id, citus_table_type, nullif(distribution_column, '<none>') AS distribution_column,
                   max(shard_count) AS shard_count,
                   array_to_string(array_agg(table_name::text ORDER BY table_name::text), ',') AS tables
            FROM citus_tables GROUP BY colocation_id, citus_table_type, 3 ORDER BY colocation_id
            """
        ).map { row in
            ShardStatistics.ColocationGroup(
                colocationID: try row.get("colocation_id"), tableType: try row.get("citus_table_type"),
                distributionColumn: try row.optional("distribution_column"), shardCount: try row.get("shard_count"),
                tables: (try row.get("tables", as: String.self)).split(separator: ",").map(String.init))
        }
        return ShardStatistics(nodes: nodes, shards: shards, colocationGroups: groups)
    }
}
