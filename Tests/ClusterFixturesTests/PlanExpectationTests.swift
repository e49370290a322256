import Testing

@testable import ClusterFixtures

/// The plan check used on every plan the SQL files print, tested both ways for each expectation
/// without a database: a plan that shows what the catalog says passes, every other kind fails.
@Suite("Printed plans: each expectation fires on a wrong plan and stays quiet on a right one")
struct PlanExpectationTests {
    static let cluster = Cluster(
        configuration: try! ClusterConfiguration(environment: ClusterConfigurationTests.complete))
    static let holder = NodeAddress(host: "worker2", port: 5432)

    static let router = [
        "Custom Scan (Citus Adaptive)", "  Task Count: 1", "  ->  Task",
        "        Node: host=worker2 port=5432 dbname=x",
    ]
    static let routerElsewhere = [
        "Custom Scan (Citus Adaptive)", "  Task Count: 1", "  ->  Task",
        "        Node: host=worker1 port=5432 dbname=x",
    ]
    static let fanOut = ["Custom Scan (Citus Adaptive)", "  Task Count: 8", "  Tasks Shown: One of 8"]
    static let repartitioned = ["Custom Scan (Citus Adaptive)", "  Task Count: 8", "  ->  MapMergeJob"]
    static let plain = ["HashAggregate", "  ->  Seq Scan on orders"]

    func results(_ plan: [String]) throws -> ScriptResults {
        let script = try SQLScript(name: "sql/plan.sql", text: "-- result: the_plan\nEXPLAIN SELECT 1;\n")
        let rows = plan.map { Row(columns: ["QUERY PLAN"], values: [$0], source: "test") }
        return ScriptResults(
            script: script, all: [QueryResult(columns: ["QUERY PLAN"], rows: rows, commandTag: "EXPLAIN")])
    }

    func mismatch(_ plan: [String], _ expectation: Cluster.PlanExpectation) throws -> String? {
        try Self.cluster.planMismatch(results(plan), "the_plan", expectation)
    }

    @Test("Router: one task on the node holding the tenant's shard, and nothing else")
    func router() throws {
        let expectation = Cluster.PlanExpectation.router(tenant: 7, node: Self.holder)
        #expect(try mismatch(Self.router, expectation) == nil)
        for wrong in [Self.routerElsewhere, Self.fanOut, Self.plain] {
            #expect(try mismatch(wrong, expectation)?.contains("expected one task on worker2:5432") == true, "\(wrong)")
        }
    }

    @Test("All shards: one task per shard without repartitioning, and nothing else")
    func allShards() throws {
        #expect(try mismatch(Self.fanOut, .allShards(8)) == nil)
        for wrong in [Self.router, Self.repartitioned, Self.plain] {
            #expect(try mismatch(wrong, .allShards(8)) != nil, "\(wrong)")
        }
        #expect(try mismatch(Self.fanOut, .allShards(32)) != nil, "another shard count")
    }

    @Test("Plain: no Citus in the plan")
    func plain() throws {
        #expect(try mismatch(Self.plain, .plain) == nil)
        #expect(try mismatch(Self.fanOut, .plain)?.contains("mentions Citus") == true)
    }
}
