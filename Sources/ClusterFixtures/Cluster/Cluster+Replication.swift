/// Citus's logical replication objects for shard moves and splits (`citus_shard_…` subscriptions,
/// slots, publications, and the subscription roles it makes on the target node) left on the nodes:
/// a move cancelled half-way (a stopped rebalance job, citusdata/citus#7896) can leave them, and a leftover
/// subscription or slot keeps the suite's database from being dropped ("database is being used by logical
/// replication subscription").
extension Cluster {
    /// Each node's leftover Citus replication objects in the suite's database, as `node: kind name`.
    public func leftoverReplication() throws -> [String] {
        try leftoverReplicationByNode().map { "\($0.node): \($0.object)" }
    }

    /// `leftoverReplication`, each as the node it is on and the object (`slot citus_shard_move_…`).
    func leftoverReplicationByNode() throws -> [(node: String, object: String)] {
        try eachReplicationObject { _, node, kind, name in (node, "\(kind) \(name)") }
    }

    /// Drops what `leftoverReplication` finds: each subscription detached from its slot first (its
    /// publisher may be gone), then inactive slots, publications and roles no subscription uses.
    /// A leftover role is the whole server's: the database dropped and made again restarts Citus's
    /// operation ids, and the next move then fails with `role "citus_shard_move_subscription_role_10_2"
    /// already exists` (seen here after a move cancelled half-way). Only for the suite's own
    /// database (the caller checks `allowsReset`); returns what it dropped.
    /// A rebalance task still running is ended first: dropping its subscription under it would
    /// leave it waiting for ever (`runningRebalanceTasks`).
    @discardableResult
    public func dropLeftoverReplication() throws -> [String] {
        try terminateRebalanceTasks()
        return try eachReplicationObject { connection, node, kind, name in
            let quoted = SQLIdentifier.quote(name)
            switch kind {
            case "subscription":
                try connection.execute(
                    """
                    ALTER SUBSCRIPTION \(quoted) DISABLE; ALTER SUBSCRIPTION \(quoted) SET (slot_name = NONE); \
                    DROP SUBSCRIPTION \(quoted)
                    """
                )
            case "slot":
                try connection.query(
                    "SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active",
                    [name])
            case "role":
                // Roles are the whole server's, not the database's: dropped only when no subscription
                // in any database still belongs to it (a move running elsewhere keeps its role).
                let inUse = try connection.query(
                    """
                    SELECT count(*) FROM pg_subscription s JOIN pg_roles r ON r.oid = s.subowner WHERE r.rolname = $1
                    """, [name]
                ).single().get(0, as: Int.self)
                if inUse == 0 { try connection.execute("DROP ROLE IF EXISTS \(quoted)") }
            default:
                try connection.execute("DROP PUBLICATION \(quoted)")
            }
            return "\(node): \(kind) \(name)"
        }
    }

    /// `body` for each Citus replication object on each reachable node, on a connection of its own.
    private func eachReplicationObject<T>(_ body: (Connection, String, String, String) throws -> T) throws -> [T] {
        var done: [T] = []
        for node in nodes {
            guard let connection = try? connect("\(node.name) (leftovers)", at: node.address) else { continue }
            defer { connection.close() }
            for row in try connection.query(Self.replicationObjectsQuery).rows {
                done.append(try body(connection, node.name, try row.get("kind"), try row.get("name")))
            }
        }
        return done
    }

    /// Citus's logical replication objects for shard moves and splits in the connected database
    /// (kind, name): what the leftover audit lists and what `runWatched` polls while a move runs.
    static let replicationObjectsQuery = """
        SELECT 'subscription' AS kind, subname::text AS name FROM pg_subscription
        WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND subname LIKE 'citus\\_shard\\_%'
        UNION ALL
        SELECT 'slot', slot_name::text FROM pg_replication_slots
        WHERE database = current_database() AND slot_name LIKE 'citus\\_shard\\_%'
        UNION ALL
        SELECT 'publication', pubname::text FROM pg_publication WHERE pubname LIKE 'citus\\_shard\\_%'
        UNION ALL
        SELECT 'role', rolname::text FROM pg_roles WHERE rolname LIKE 'citus\\_shard\\_%\\_subscription\\_role\\_%'
        """
}
