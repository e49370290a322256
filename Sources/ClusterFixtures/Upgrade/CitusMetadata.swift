/// Citus's metadata as one node holds it: the distributed tables (method, colocation, distribution
/// column), every shard's hash range, every placement's node, and the nodes. Each fact is one line,
/// so two snapshots compare as sets and a difference prints as the lines that differ. Compared
/// before and after an upgrade (it must not move anything), and between the coordinator and each
/// worker (Citus syncs the metadata to the workers; they must agree).
public struct CitusMetadata: Sendable, Equatable {
    public var tables: [String]
    public var shards: [String]
    public var placements: [String]
    public var nodes: [String]

    public var lines: [String] { tables + shards + placements + nodes }

    public init(tables: [String], shards: [String], placements: [String], nodes: [String]) {
        self.tables = tables
        self.shards = shards
        self.placements = placements
        self.nodes = nodes
    }

    /// Reads the snapshot on `node`.
    public static func read(on node: Node) throws -> CitusMetadata {
        let tables = try node.rows(
            """
            SELECT logicalrelid::regclass::text AS relation, partmethod::text AS method, colocationid,
                   coalesce(column_to_column_name(logicalrelid, partkey), '') AS distribution_column
            FROM pg_dist_partition ORDER BY 1
            """
        ).map { row in
            """
            table \(try row.get("relation", as: String.self)) method \(try row.get("method", as: String.self)) \
            colocation \(try row.get("colocationid", as: Int.self)) column \
            '\(try row.get("distribution_column", as: String.self))'
            """
        }
        let shards = try node.rows(
            """
            SELECT logicalrelid::regclass::text AS relation, shardid,
                   coalesce(shardminvalue, '-') AS min, coalesce(shardmaxvalue, '-') AS max
            FROM pg_dist_shard ORDER BY shardid
            """
        ).map { row in
            """
            shard \(try row.get("shardid", as: Int64.self)) of \(try row.get("relation", as: String.self)) hashes \
            \(try row.get("min", as: String.self))..\(try row.get("max", as: String.self))
            """
        }
        let placements = try node.rows(
            """
            SELECT p.shardid, n.nodename, n.nodeport FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)
            ORDER BY 1, 2, 3
            """
        ).map { row in
            """
            placement of shard \(try row.get("shardid", as: Int64.self)) on \
            \(try row.get("nodename", as: String.self)):\(try row.get("nodeport", as: Int.self))
            """
        }
        let nodes = try node.rows(
            """
            SELECT nodename, nodeport, groupid, noderole::text AS role, isactive, shouldhaveshards
            FROM pg_dist_node ORDER BY groupid
            """
        ).map { row in
            """
            node \(try row.get("nodename", as: String.self)):\(try row.get("nodeport", as: Int.self)) group \
            \(try row.get("groupid", as: Int.self)) \(try row.get("role", as: String.self)) active \
            \(try row.get("isactive", as: Bool.self)) takes shards \(try row.get("shouldhaveshards", as: Bool.self))
            """
        }
        return CitusMetadata(tables: tables, shards: shards, placements: placements, nodes: nodes)
    }

    /// The lines only one side has: `- line` in `self` alone, `+ line` in `other` alone; empty when equal.
    public func differences(to other: CitusMetadata) -> [String] {
        let mine = Set(lines)
        let theirs = Set(other.lines)
        return lines.filter { !theirs.contains($0) }.map { "- " + $0 }
            + other.lines.filter { !mine.contains($0) }.map { "+ " + $0 }
    }
}
