import ClusterFixtures
import ClusterTesting
import Testing

/// The write ledger's check can fail: a lost, a changed and an invented order, planted while the
/// writers run, are each reported, and the check does not hold.
@Suite("Write ledger: a lost, a changed and an invented order are each caught", .serialized, .exclusiveCluster)
struct LedgerCheckTests {
    @Test("Deleting, changing and inventing orders behind the writers' backs breaks the ledger")
    func plantedFaults() throws {
        let cluster = try Cluster.shared()
        try cluster.lifecycle.ensure(.baseline)
        defer { _ = try? cluster.lifecycle.removeLoadRows() }
        let run = try cluster.lifecycle.withWriters(.ledger(seed: 5)) {
            // Writer 1's first order disappears, writer 2's first order changes, and an order appears
            // under a writer that does not exist. Both orders must exist first: planted before the
            // writers committed them, the DELETE and UPDATE would change nothing (seen on a loaded
            // machine: the check then found no loss, rightly).
            _ = try Polling.until(timeLimit: .seconds(30), what: "writers 1 and 2 committing their first orders") {
                try cluster.coordinator.value(
                    "SELECT count(*) FROM orders WHERE metadata ->> 'token' IN ('w1-1', 'w2-1')", as: Int.self) == 2
                    ? true : nil
            }
            try cluster.coordinator.execute(
                """
                DELETE FROM order_items i USING orders o
                WHERE o.user_id = i.user_id AND o.id = i.order_id AND o.metadata ->> 'token' = 'w1-1';
                DELETE FROM orders WHERE metadata ->> 'token' = 'w1-1';
                UPDATE orders SET amount = amount + 0.01 WHERE metadata ->> 'token' = 'w2-1';
                INSERT INTO orders (user_id, region, product_id, quantity, amount, status, metadata,
                                    created_at, updated_at)
                SELECT 1, region_code, 1, 1, 1.00, 'pending', '{"source": "load", "token": "w9-1"}', now(), now()
                FROM users WHERE id = 1;
                """)
        }
        try run.get()
        let check = try cluster.lifecycle.checkLedger(run.writes, operation: "planted faults")
        #expect(check.lost == ["w1-1"], "\(check)")
        #expect(check.changed.count == 1 && check.changed[0].hasPrefix("w2-1: amount (cents)"), "\(check)")
        #expect(check.unknown == ["w9-1"], "\(check)")
        #expect(!check.holds)
        // The evidence a loss gets, read both ways: the deleted order is on no node; one that is
        // there is found where it is (the baseline's plain table on the coordinator).
        let evidence = try LostWriteEvidence.collect(
            on: cluster, lost: ["w1-1", "w2-1"], acknowledged: run.writes.acknowledged)
        #expect(try #require(evidence.orders.first { $0.token == "w1-1" }).copies.isEmpty, "\(evidence)")
        #expect(
            try #require(evidence.orders.first { $0.token == "w2-1" }).copies == ["coordinator: orders"], "\(evidence)")
        #expect(evidence.orders.allSatisfy { $0.shardID == nil }, "orders is a plain table here: \(evidence)")
    }

    @Test(
        """
        On distributed tables, a lost write's evidence names its shard, the shard's placement, and finds a \
        present row only there
        """
    )
    func evidenceOnDistributedTables() throws {
        let cluster = try Cluster.shared()
        try cluster.lifecycle.ensure(.distributed)
        // A seeded order stands in for a present write, a key no order has for a lost one.
        let row = try cluster.coordinator.row("SELECT id, user_id FROM orders ORDER BY id LIMIT 1")
        func order(_ token: String, id: Int, user: Int) -> AcknowledgedOrder {
            AcknowledgedOrder(
                id: id, userID: user, region: "x", productID: 1, quantity: 1, amountCents: 1, token: token,
                status: "pending", createdAt: 0, updatedAt: 0, items: [])
        }
        let user: Int = try row.get("user_id")
        let present = order("present", id: try row.get("id"), user: user)
        let lost = order("lost", id: -1, user: user)
        let evidence = try LostWriteEvidence.collect(
            on: cluster, lost: ["present", "lost"], acknowledged: [present, lost])
        let shard = try cluster.coordinator.value(
            "SELECT get_shard_id_for_distribution_column('orders', $1::bigint)", [user], as: Int.self)
        let holder = try cluster.coordinator.value(
            """
            SELECT n.nodename || ':' || n.nodeport FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)
            WHERE p.shardid = $1
            """, [shard], as: String.self)
        let worker = try #require(cluster.configuration.workers.first { "\($0.registeredAddress)" == holder })
        let found = try #require(evidence.orders.first { $0.token == "present" })
        #expect(found.shardID == shard && found.placements == ["\(worker.name) (\(holder))"], "\(evidence)")
        #expect(found.copies == ["\(worker.name): orders_\(shard)"], "\(evidence)")
        #expect(try #require(evidence.orders.first { $0.token == "lost" }).copies.isEmpty, "\(evidence)")
    }
}
