import ClusterFixtures
import ClusterTesting
import Testing

@Suite("Reading Citus's EXPLAIN output")
struct ExplainPlanTests {
    @Test("Router plan: executor, one task, and the node it runs on")
    func router() {
        let plan = ExplainPlan(lines: [
            "Custom Scan (Citus Adaptive) (actual rows=52 loops=1)",
            "  Task Count: 1",
            "  Tasks Shown: All",
            "  ->  Task",
            "        Node: host=127.0.0.1 port=9702 dbname=citus_verify",
            "        ->  Bitmap Heap Scan on orders_102045 orders (actual rows=52 loops=1)",
        ])
        #expect(plan.citusExecutor == "Adaptive")
        #expect(plan.taskCount == 1)
        #expect(plan.taskNodes == [NodeAddress(host: "127.0.0.1", port: 9702)])
        #expect(!plan.repartitions)
    }

    @Test("A plain PostgreSQL plan has no Citus executor; a repartition join shows MapMergeJob")
    func others() {
        #expect(ExplainPlan(lines: ["Seq Scan on orders"]).citusExecutor == nil)
        #expect(
            ExplainPlan(lines: ["Custom Scan (Citus Adaptive)", "  ->  MapMergeJob", "        Map Task Count: 32"])
                .repartitions)
    }

    /// Every predicate of the reader is seen both firing and not firing, so none can be a constant.
    @Test("Each EXPLAIN fact both ways: executor, task count, task nodes, repartition, distributed subplan")
    func eachFactBothWays() {
        let subplan = ExplainPlan(lines: [
            "Custom Scan (Citus Adaptive)",
            "  ->  Distributed Subplan 1_1",
            "        ->  Seq Scan on users",
            "  Task Count: 32",
            "  Tasks Shown: One of 32",
        ])
        let plain = ExplainPlan(lines: ["Hash Join", "  ->  Seq Scan on orders", "  ->  Seq Scan on users"])
        #expect(subplan.hasSubplan && !plain.hasSubplan)
        #expect(subplan.citusExecutor == "Adaptive" && plain.citusExecutor == nil)
        #expect(subplan.taskCount == 32 && plain.taskCount == nil)
        #expect(subplan.taskNodes.isEmpty)
        #expect(!subplan.repartitions && !plain.repartitions)
        #expect(subplan.summary() == "Citus Adaptive, 32 tasks, with a distributed subplan")
        #expect(plain.summary() == "PostgreSQL alone (no Citus executor)")
        let repartitioned = ExplainPlan(lines: [
            "Custom Scan (Citus Adaptive)", "  Task Count: 4", "  ->  MapMergeJob",
            "        Node: host=127.0.0.1 port=9701 dbname=x",
        ])
        #expect(
            repartitioned.summary { "w\($0.port - 9700)" }
                == "Citus Adaptive, 4 tasks, shown on w1, repartitioned between nodes")
    }

    @Test("Join conditions read alike from a hash, merge or index join; a changed or missing condition shows")
    func joinConditions() {
        let hash = ExplainPlan(lines: [
            "Hash Join (actual rows=2 loops=1)", "  Hash Cond: ((i.order_id = o.id) AND (i.user_id = o.user_id))",
        ])
        let index = ExplainPlan(lines: [
            "Nested Loop", "  ->  Index Scan using orders_pkey on orders_102008 o",
            "        Index Cond: ((user_id = i.user_id) AND (id = i.order_id))",
        ])
        let merge = ExplainPlan(lines: [
            "Merge Join", "  Merge Cond: ((o.user_id = i.user_id) AND (o.id = i.order_id))",
        ])
        let filtered = ExplainPlan(lines: [
            "Hash Join", "  Hash Cond: (i.user_id = o.user_id)", "  Join Filter: (i.order_id <> o.id)",
            "  Rows Removed by Join Filter: 2425",
        ])
        let expected: Set = ["id = order_id", "user_id = user_id"]
        #expect(hash.joinConditions == expected && index.joinConditions == expected && merge.joinConditions == expected)
        #expect(filtered.joinConditions == ["user_id = user_id", "order_id <> id"])
        #expect(ExplainPlan(lines: ["Seq Scan on orders"]).joinConditions.isEmpty)
        // A nested loop whose index covers the tenant only: the order's id is a filter on the scan.
        let looped = ExplainPlan(lines: [
            "Nested Loop", "  ->  Index Scan using order_items_pkey on order_items_102040 i",
            "        Index Cond: (user_id = o.user_id)", "        Filter: ((order_id)::bigint = o.id)",
        ])
        #expect(looped.joinConditions == expected)
        #expect(
            hash.joins(on: expected) && index.joins(on: expected) && merge.joins(on: expected)
                && looped.joins(on: expected))
        #expect(!filtered.joins(on: expected), "a condition changed")
        #expect(
            !ExplainPlan(lines: ["Hash Join", "  Hash Cond: (i.user_id = o.user_id)"]).joins(on: expected),
            "a condition missing")
        #expect(
            !ExplainPlan(lines: [
                "Hash Join", "  Hash Cond: ((i.order_id = o.id) AND (i.user_id = o.user_id))",
                "  Join Filter: (i.order_id < o.user_id)",
            ]).joins(on: expected), "another condition on the same columns")
        #expect(
            !ExplainPlan(lines: [
                "Hash Join", "  Hash Cond: ((i.order_id = o.id) AND (i.user_id = o.user_id))",
                "  Join Filter: (i.order_id < o.quantity)",
            ]).joins(on: expected), "another condition naming one of them")
        #expect(
            ExplainPlan(lines: [
                "Hash Join", "  Hash Cond: ((i.order_id = o.id) AND (i.user_id = o.user_id))",
                "  ->  Seq Scan on orders o", "        Filter: (status = 'paid'::text)",
            ]).joins(on: expected), "a filter on another column")
    }

    @Test("Checksum SQL quotes the table name, so no name can escape into the statement; an unlisted table is refused")
    func checksumQuotes() throws {
        #expect(
            try TableChecksum.sql(for: "orders", from: SQLIdentifier.quote("orders\"; DROP TABLE x; --"))
                .contains("FROM \"orders\"\"; DROP TABLE x; --\" AS t"))
        #expect(throws: ChecksumCoverageError.self) { try TableChecksum.sql(for: "orders\"; DROP TABLE x; --") }
    }
}
