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
        #expect(ExplainPlan(lines: ["Custom Scan (Citus Adaptive)", "  ->  MapMergeJob", "        Map Task Count: 32"]).repartitions)
    }

    @Test("Checksum SQL quotes the table name, so no name can escape into the statement; an unlisted table is refused")
    func checksumQuotes() throws {
        #expect(try TableChecksum.sql(for: "orders", from: SQLIdentifier.quote("orders\"; DROP TABLE x; --"))
            .contains("FROM \"orders\"\"; DROP TABLE x; --\" AS t"))
        #expect(throws: ChecksumCoverageError.self) { try TableChecksum.sql(for: "orders\"; DROP TABLE x; --") }
    }
}
