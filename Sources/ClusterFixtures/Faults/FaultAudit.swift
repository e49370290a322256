import Foundation

/// What a fault may leave behind, looked for on every configured node after Citus's own cleanup
/// has run (`citus_cleanup_orphaned_resources`, `recover_prepared_transactions`): cleanup records,
/// Citus's replication slots, subscriptions and publications, shard tables the metadata does not
/// place there (or placed and missing), shards with more than one placement, prepared transactions
/// and, once the tables are plain again, the tables' id sequences still on the workers
/// (citusdata/citus#6695). Each finding is one line naming the node.
public struct FaultAudit: Sendable {
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public var node: String
        public var what: String
        public var description: String { "\(node): \(what)" }
    }

    public var findings: [Finding]
    /// What Citus's cleanup found to do, looked for before it ran (cleanup records, prepared
    /// transactions per node): the audit never cleans up what it is about to look for without
    /// keeping what was there. After a fault some of it is expected; after a normal operation none.
    public var beforeCleanup: [Finding] = []
    public var isClean: Bool { findings.isEmpty }

    /// The findings that are the lifecycle tables' sequences left on workers after undistribute.
    public var leftoverSequences: [Finding] { findings.filter { $0.what.hasPrefix("sequence ") } }
    /// Everything else.
    public var withoutLeftoverSequences: [Finding] { findings.filter { !$0.what.hasPrefix("sequence ") } }

    /// How long the audit lets Citus's cleanup keep trying before what is left counts.
    public static let cleanupPatience: Duration = .seconds(30)

    /// The id sequences of the lifecycle's tables.
    static let sequences = ["users_id_seq", "orders_id_seq", "order_items_id_seq"]

    /// The cleanup records found before Citus's cleanup ran, and how many other sessions then held a
    /// Citus cleanup-operation lock (said only when some did: a record of an operation still running
    /// is told apart from one no cleanup could remove).
    static func cleanupRecordsFound(records: Int, objects: String, lockHolders: Int) -> Finding {
        .init(
            node: "coordinator",
            what: "\(records) record(s) in pg_dist_cleanup: \(objects)"
                + (lockHolders > 0
                    ? " (\(lockHolders) other session(s) held a Citus cleanup-operation lock at that moment)" : ""))
    }

    /// Runs Citus's cleanup, then audits every node of `cluster` (nodes that do not answer are a
    /// finding too).
    public static func run(on cluster: Cluster, cleanupPatience: Duration = FaultAudit.cleanupPatience) throws
        -> FaultAudit
    {
        var findings: [Finding] = []
        var beforeCleanup: [Finding] = []
        let citus = try cluster.hasExtension("citus")
        for node in cluster.nodes {
            if let prepared = try? node.preparedTransactionCount(),
                prepared > 0
            {
                beforeCleanup.append(.init(node: node.name, what: "\(prepared) prepared transaction(s)"))
            }
        }
        if citus {
            let records = try cluster.pendingCleanupRecords()
            if records > 0 {
                // Which objects, and why Citus keeps them: what tells a record of a failed operation
                // from one of a move that only just succeeded (policy 'deferred on success').
                let objects = try cluster.coordinator.value(
                    """
                    SELECT coalesce(string_agg(format('%s %s on group %s, policy %s',
                                                      object_type, object_name, node_group_id, policy_type),
                                               '; ' ORDER BY record_id), 'gone since') AS objects FROM pg_dist_cleanup
                    """, as: String.self)
                // Citus's cleanup skips a record whose operation's advisory lock (class 10 in Citus's
                // resource_lock.h) another session holds: the operation itself, still running, or
                // another cleanup (the maintenance daemon's deferred drop). Said, so a record left
                // that way is told apart from one no cleanup could remove.
                let inFlight = try cluster.coordinator.value(
                    """
                    SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                    WHERE l.locktype = 'advisory' AND l.objsubid = 10 AND l.granted
                      AND d.datname = current_database() AND l.pid <> pg_backend_pid()
                    """, as: Int.self)
                beforeCleanup.append(cleanupRecordsFound(records: records, objects: objects, lockHolders: inFlight))
            }
            // Citus's cleanup, again each second for a bounded while: a record whose operation's
            // locks are still being released is cleaned on a later call. What is left after that
            // is a finding.
            try cluster.coordinator.execute("SELECT recover_prepared_transactions()")
            _ = try? Polling.until(timeLimit: cleanupPatience, every: .seconds(1), what: "pg_dist_cleanup empty") {
                () -> Bool? in
                try cluster.coordinator.execute("CALL citus_cleanup_orphaned_resources()")
                return try cluster.pendingCleanupRecords() == 0 ? true : nil
            }
            let cleanup = try cluster.pendingCleanupRecords()
            if cleanup > 0 {
                findings.append(.init(node: "coordinator", what: "\(cleanup) record(s) in pg_dist_cleanup"))
            }
            for row in try cluster.coordinator.rows(
                """
                SELECT p.shardid, count(*) AS placements FROM pg_dist_placement p
                JOIN pg_dist_shard s USING (shardid) JOIN pg_dist_partition t USING (logicalrelid)
                WHERE t.partmethod = 'h' GROUP BY p.shardid HAVING count(*) <> 1 ORDER BY p.shardid
                """)
            {
                findings.append(
                    .init(
                        node: "coordinator",
                        what:
                            """
                            shard \(try row.get("shardid", as: Int64.self)) has \
                            \(try row.get("placements", as: Int.self)) placements
                            """
                    ))
            }
        }
        for leftover in try cluster.leftoverReplicationByNode() {
            findings.append(.init(node: leftover.node, what: "Citus \(leftover.object) left"))
        }
        let distributed =
            citus
            ? try cluster.coordinator.value(
                "SELECT count(*) FROM pg_dist_partition WHERE partmethod = 'h'", as: Int.self) > 0 : false
        for node in cluster.nodes {
            do {
                let prepared = try node.preparedTransactionCount()
                if prepared > 0 { findings.append(.init(node: node.name, what: "\(prepared) prepared transaction(s)")) }
                guard node.name != "coordinator" else { continue }
                let tables = try cluster.shardTableCount(on: node)
                let placed = distributed ? try cluster.distributedShards(on: node.name) : 0
                if tables != placed {
                    findings.append(
                        .init(
                            node: node.name,
                            what: "\(tables) shard tables of orders/order_items, the metadata places \(placed)"))
                }
                if !distributed {
                    for name in try node.rows(
                        """
                        SELECT relname::text AS name FROM pg_class
                        WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace
                          AND relname = ANY($1::text[]) ORDER BY 1
                        """, [Self.sequences]
                    ).map({ try $0.get("name", as: String.self) }) {
                        findings.append(
                            .init(
                                node: node.name,
                                what: "sequence public.\(name) left after undistribute (citusdata/citus#6695)"))
                    }
                }
            } catch {
                findings.append(
                    .init(
                        node: node.name,
                        what: "not audited: \(String(describing: error).split(separator: "\n").first ?? "")"))
            }
        }
        return FaultAudit(findings: findings, beforeCleanup: beforeCleanup)
    }
}
