import Foundation

/// What is needed to explain an acknowledged write that is missing, read the moment the ledger
/// finds it, so that a loss seen once can be explained without running it again: for each lost
/// order its keys and when it was written, the shard its user hashes to and that shard's placements
/// now, every table on every node that holds a row with its keys (orphaned shard copies included);
/// then Citus's state (the move's progress, cleanup records, prepared transactions) and, on the
/// embedded cluster, the end of every node's server log.
public struct LostWriteEvidence: Sendable, CustomStringConvertible {
    public struct Order: Sendable {
        public var token: String
        public var id: Int
        public var userID: Int
        /// The order's `created_at` (epoch seconds): when its writer wrote it.
        public var createdAt: Int
        /// The shard of orders its user hashes to; nil when orders is not distributed.
        public var shardID: Int?
        /// Where that shard is placed now ("worker3 (127.0.0.1:9703)").
        public var placements: [String]
        /// Every table holding a row with its keys, by node ("worker1: public.orders_102008").
        public var copies: [String]
    }

    public var orders: [Order]
    /// `get_rebalance_progress()`, `pg_dist_cleanup` and every node's `pg_prepared_xacts`, a line each.
    public var citusState: [String]
    /// Node name → the last lines of its server log (embedded cluster only).
    public var logTails: [String: String]

    public var description: String {
        var lines = ["lost-write evidence:"]
        for order in orders {
            lines.append(
                "  \(order.token): order \(order.id) of user \(order.userID), written at \(order.createdAt) (epoch s); "
                    + (order.shardID.map {
                        """
                        shard \($0) placed on \
                        \(order.placements.isEmpty ? "no node" : order.placements.joined(separator: ", "))
                        """
                    }
                        ?? "orders is not distributed")
                    + "; rows with its keys: "
                    + (order.copies.isEmpty ? "none on any node" : order.copies.joined(separator: ", ")))
        }
        lines += citusState.map { "  \($0)" }
        if !logTails.isEmpty { lines.append("  server logs kept: \(logTails.keys.sorted().joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }

    /// Reads the evidence for `lost` (tokens of the ledger) among `acknowledged`.
    public static func collect(
        on cluster: Cluster, lost: [String], acknowledged: [AcknowledgedOrder],
        logLines: Int = 300
    ) throws -> LostWriteEvidence {
        let wanted = Set(lost)
        let lostOrders = acknowledged.filter { wanted.contains($0.token) }
        let coordinator = cluster.coordinator
        // Before Phase 2 the database has no Citus, and no pg_dist_partition to ask.
        let citus = try coordinator.value("SELECT count(*) FROM pg_extension WHERE extname = 'citus'", as: Int.self) > 0
        let distributed =
            try citus
            && coordinator.value(
                "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = 'orders'::regclass", as: Int.self) > 0
        let workers = cluster.configuration.workers
        // Every node reachable now (a worker still down after the fault is left out).
        let nodes: [(name: String, connection: Connection)] = cluster.nodes.compactMap { node in
            (try? node.connection).map { (node.name, $0) }
        }

        var orders: [Order] = []
        for order in lostOrders {
            var shardID: Int?
            var placements: [String] = []
            if distributed {
                shardID = try coordinator.value(
                    "SELECT get_shard_id_for_distribution_column('orders', $1::bigint)", [order.userID], as: Int.self)
                placements = try coordinator.rows(
                    """
                    SELECT n.nodename || ':' || n.nodeport AS node
                    FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)
                    WHERE p.shardid = $1 ORDER BY 1
                    """, [shardID!]
                ).map { try $0.get("node", as: String.self) }
                    .map { address in
                        workers.first { "\($0.registeredAddress)" == address }.map { "\($0.name) (\(address))" }
                            ?? address
                    }
            }
            var copies: [String] = []
            for node in nodes {
                // Every table of orders on the node: the plain table (not the coordinator's shell of
                // a distributed one, which a query would read through the shards) and every shard
                // table, orphans included. Citus hides shards from catalog queries
                // (`citus.show_shards_for_app_name_prefixes`): lifted for this one transaction.
                let connection = node.connection
                try connection.execute("BEGIN")
                defer { _ = try? connection.execute("COMMIT") }
                if try cluster.hasExtension("citus", on: connection) {
                    try connection.execute("SET LOCAL citus.show_shards_for_app_name_prefixes = '*'")
                }
                let tables = try connection.query(
                    """
                    SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
                    WHERE s.nspname = 'public' AND c.relkind = 'r'
                      AND (c.relname ~ '^orders_[0-9]+$' OR (c.relname = 'orders' AND NOT $1))
                    ORDER BY 1
                    """, [distributed]
                ).rows.map { try $0.get("name", as: String.self) }
                for table in tables {
                    let found = try connection.query(
                        "SELECT count(*) AS n FROM ONLY \(table) WHERE id = $1 AND user_id = $2",
                        [order.id, order.userID]
                    ).single().get("n", as: Int.self)
                    if found > 0 { copies.append("\(node.name): \(table)" + (found > 1 ? " (\(found) rows)" : "")) }
                }
            }
            orders.append(
                Order(
                    token: order.token, id: order.id, userID: order.userID, createdAt: order.createdAt,
                    shardID: shardID, placements: placements, copies: copies))
        }

        var state: [String] = []
        if distributed {
            state += try coordinator.rows(
                "SELECT format('rebalance progress: shard %s %s → %s: %s', shardid, sourcename || ':' || sourceport, "
                    + "targetname || ':' || targetport, status) AS line FROM get_rebalance_progress()"
            )
            .map { try $0.get("line", as: String.self) }
            state += try coordinator.rows(
                "SELECT format('cleanup record: %s (type %s, group %s, policy %s)', object_name, object_type, "
                    + "node_group_id, policy_type) AS line FROM pg_dist_cleanup"
            )
            .map { try $0.get("line", as: String.self) }
        }
        for node in nodes {
            state += try node.connection.query(
                "SELECT format('%s prepared %s at %s', gid, owner, prepared) AS line FROM pg_prepared_xacts"
            )
            .rows.map { "\(node.name): \(try $0.get("line", as: String.self))" }
        }
        if state.isEmpty { state = ["no move in progress, no cleanup record, no prepared transaction on any node"] }

        var logTails: [String: String] = [:]
        if let directory = cluster.configuration.localClusterDirectory {
            for name in ["coordinator"] + workers.map(\.name) {
                let path = URL(fileURLWithPath: directory).appendingPathComponent("logs/\(name).log")
                if let text = try? String(contentsOf: path, encoding: .utf8) {
                    logTails[name] = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(logLines)
                        .joined(separator: "\n")
                }
            }
        }
        return LostWriteEvidence(orders: orders, citusState: state, logTails: logTails)
    }

    /// Writes the evidence and the log tails to `folder` (`evidence.txt`, `<node>.log`).
    public func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try (description + "\n").write(
            to: folder.appendingPathComponent("evidence.txt"), atomically: true, encoding: .utf8)
        for (node, text) in logTails {
            try text.write(to: folder.appendingPathComponent("\(node).log"), atomically: true, encoding: .utf8)
        }
    }
}
