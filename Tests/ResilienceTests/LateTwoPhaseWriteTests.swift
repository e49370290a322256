import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// The course of issue 29's "lost" write, made on purpose: a transaction that writes to two
/// workers commits in two phases, and the worker that dies after PREPARE TRANSACTION and before
/// COMMIT PREPARED holds its part prepared, invisible, while the client has its COMMIT
/// acknowledged. The ledger read at that moment calls the write lost; read across Citus's
/// recovery (`checkLedgerAcrossRecovery`, what every fault scenario ends with) it is late and
/// whole. The same steps in plain SQL and shell: docs/repro/late-two-phase-write.sh.
@Suite(
    "An acknowledged two-phase write whose worker died before COMMIT PREPARED: late, not lost",
    .serialized, .requiresCitus, .requiresLocalCluster, .exclusiveCluster)
struct LateTwoPhaseWriteTests {
    let cluster: Cluster
    let local: LocalCluster

    init() throws {
        cluster = try Cluster.shared()
        local = LocalCluster(directory: cluster.configuration.localClusterDirectory)
    }

    @Test(
        """
        A write acknowledged after one of its workers died between PREPARE and COMMIT PREPARED is invisible until \
        Citus's recovery; read across recovery it is late, not lost, and no prepared transaction is left
        """,
        .faultScenario)
    func lateNotLost() throws {
        try cluster.lifecycle.ensure(.distributed)
        let killed = try cluster.node(cluster.configuration.workers[0].name)
        let slowed = try cluster.node(cluster.configuration.workers[1].name)
        // One tenant whose orders shard is on each worker: an order for each is a write to two nodes.
        func tenant(on node: Node) throws -> (id: Int, region: String, shard: String) {
            let row = try cluster.coordinator.row(
                """
                SELECT u.id, u.region_code, shard_name('orders', p.shardid) AS shard
                FROM users u JOIN pg_dist_shard_placement p
                     ON p.shardid = get_shard_id_for_distribution_column('orders', u.id)
                WHERE p.nodename = $1 AND p.nodeport = $2 ORDER BY u.id LIMIT 1
                """, [node.registeredAddress.host, node.registeredAddress.port])
            return (try row.get("id"), try row.get("region_code"), try row.get("shard"))
        }
        let first = try tenant(on: killed)
        let second = try tenant(on: slowed)

        // The maintenance daemon would commit the prepared part within citus.recover_2pc_interval
        // (a minute): off while the test looks, so only the recovery it calls does.
        try setRecoveryInterval("-1")
        defer { try? setRecoveryInterval(nil) }
        // The slowed worker answers PREPARE three seconds late (a deferred trigger on its shard
        // fires at PREPARE): the window in which the killed worker holds its part prepared.
        try onShardsNode(
            slowed,
            """
            CREATE FUNCTION citus_verify_slow_prepare() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_sleep(3); RETURN NULL; END $$;
            CREATE CONSTRAINT TRIGGER citus_verify_slow_prepare AFTER INSERT ON \(second.shard)
              DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION citus_verify_slow_prepare();
            """)
        defer {
            try? onShardsNode(
                slowed,
                """
                DROP TRIGGER IF EXISTS citus_verify_slow_prepare ON \(second.shard);
                DROP FUNCTION IF EXISTS citus_verify_slow_prepare();
                """)
        }
        // Whatever happens below: nothing left prepared (else the daemon would commit this test's
        // order into a later test once the interval is back), then this test's rows removed.
        defer {
            let left = cluster.lifecycle.recoverPreparedTransactions()
            if !left.stillPrepared.isEmpty { Issue.record("left prepared by this test after recovery: \(left)") }
            _ = try? cluster.lifecycle.removeLoadRows()
        }
        let preparedBefore = try cluster.nodes.map { try $0.preparedTransactionCount() }
        try #require(
            preparedBefore.allSatisfy { $0 == 0 },
            "no prepared transaction on any node before the write: \(preparedBefore)")

        let time = Int(Date().timeIntervalSince1970)
        let orders = [(token: "w1-1", tenant: first), (token: "w1-2", tenant: second)]
        let writer = BlockingWork("two-phase write") { [cluster] () -> (ids: [Int], notices: [String]) in
            let connection = try cluster.connect("two-phase writer")
            defer { connection.close() }
            try connection.execute("BEGIN")
            var ids: [Int] = []
            for order in orders {
                ids.append(
                    try connection.query(
                        """
                        INSERT INTO orders (user_id, region, product_id, quantity, amount, status, metadata,
                                            created_at, updated_at)
                        VALUES ($1, $2, 1, 1, 1.00, 'pending', jsonb_build_object('source', 'load', 'token', $3::text),
                                to_timestamp($4), to_timestamp($4))
                        RETURNING id
                        """, [order.tenant.id, order.tenant.region, order.token, time]
                    ).single().get("id"))
            }
            try connection.execute("COMMIT")
            return (ids, connection.takeNotices())
        }
        _ = try Polling.until(
            timeLimit: .seconds(30), every: .milliseconds(50), what: "\(killed.name) holding the write's prepared part"
        ) {
            try killed.preparedTransactionCount() > 0 ? true : nil
        }
        try local.kill(killed.name)
        defer { try? cluster.startAgain(cluster.configuration.workers[0], through: local) }
        let outcome = try #require(writer.wait(.seconds(60)), "the two-phase COMMIT answered within 60 s")
        try cluster.startAgain(cluster.configuration.workers[0], through: local)
        let committed = try outcome.get()
        // Acknowledged, with Citus's own word that one worker's part did not commit.
        #expect(committed.notices.contains { $0.contains("failed to commit transaction on") }, "\(committed.notices)")

        let acknowledged = zip(orders, committed.ids).map { order, id in
            AcknowledgedOrder(
                id: id, userID: order.tenant.id, region: order.tenant.region, productID: 1, quantity: 1,
                amountCents: 100,
                token: order.token, status: "pending", createdAt: time, updatedAt: time, items: [])
        }
        let writes = LoadReport(handWritten: acknowledged)
        let across = try cluster.lifecycle.checkLedgerAcrossRecovery(writes, operation: "a two-phase write")
        // After recovery every acknowledged write is there, whole, and nothing is left prepared:
        // whatever was missing before it was late.
        #expect(across.ledger.holds, "\(across.ledger)")
        #expect(across.late == across.beforeRecovery.lost, "late: \(across.late); \(across.ledger)")
        #expect(across.recovery.stillPrepared.isEmpty && across.recovery.error == nil, "\(across.recovery)")
        Evidence.note(
            "COMMIT acknowledged with: \(committed.notices.joined(separator: " / ")); "
                + "before recovery: lost \(across.beforeRecovery.lost); "
                + "\(across.recovery); after it: \(across.ledger)")
        // Before recovery the dead worker's order is nowhere to be read (what a ledger read at that
        // moment calls lost): Citus's behaviour today, recorded. The day a release makes it
        // visible at once, "known issue was not recorded" fails this test and the note is updated.
        recordingKnownIssue(
            "an acknowledged two-phase write is invisible until prepared-transaction recovery (citusdata/citus#3780)"
        ) {
            #expect(
                across.beforeRecovery.lost.isEmpty,
                Comment(
                    rawValue: "w1-1 (user \(first.id), on \(killed.name)) acknowledged, "
                        + "missing before recovery: \(across.beforeRecovery.lost); then \(across.recovery)"))
        }
        #expect(
            across.beforeRecovery.lost == ["w1-1"],
            "only the order on the stopped worker is late: \(across.beforeRecovery)")
    }

    /// Sets (or, with nil, resets) the coordinator's `citus.recover_2pc_interval` and reloads.
    private func setRecoveryInterval(_ value: String?) throws {
        try cluster.coordinator.execute(
            value.map { "ALTER SYSTEM SET citus.recover_2pc_interval = '\($0)'" }
                ?? "ALTER SYSTEM RESET citus.recover_2pc_interval")
        try cluster.coordinator.execute("SELECT pg_reload_conf()")
    }

    /// DDL on a worker's own shard table: Citus refuses to propagate DDL from a worker, so it is
    /// switched off for this transaction only.
    private func onShardsNode(_ node: Node, _ sql: String) throws {
        try node.execute("BEGIN; SET LOCAL citus.enable_ddl_propagation TO off; \(sql) COMMIT;")
    }
}
