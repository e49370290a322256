import ClusterFixtures
import Foundation
import Testing

/// `reshard <scenario>`, `stats` and `demo` through the whole lifecycle, each scenario checked
/// against Citus's metadata rather than against the tool's own output.
@Suite("citus-verify reshard: every scenario in lifecycle order, with stats and demo",
       .serialized, .requiresCitus, .exclusiveCluster)
struct ToolReshardTests {
    let cluster: Cluster
    init() throws { cluster = try Cluster.shared() }

    private func shardsOn(_ worker: ClusterConfiguration.Worker) throws -> Int {
        try cluster.placements().shards(on: worker.name)
    }

    @Test("setup, then reshard enable-citus distributes orders and order_items on worker1 and worker2; a second run is refused")
    func enableCitus() throws {
        #expect(try citusVerify("setup").status == 0)
        let run = try citusVerify("reshard", "enable-citus")
        #expect(run.status == 0, "\(run)")
        #expect(try cluster.activeWorkers() == ["worker1", "worker2"])
        #expect(try cluster.sqlRows("SELECT logicalrelid::text AS t, partmethod FROM pg_dist_partition ORDER BY 1").map {
            "\(try $0.get("t", as: String.self)):\(try $0.get("partmethod", as: String.self))"
        } == ["order_items:h", "orders:h", "regions:n"])
        #expect(run.output.contains("worker1") && run.output.contains("shards after"), "\(run)")
        let again = try citusVerify("reshard", "enable-citus")
        #expect(again.status == 1 && again.errorOutput.contains("already"), "\(again)")
    }

    @Test("stats --json parses and agrees with citus_shards: shards per node, every shard and its rows")
    func statsJSON() throws {
        let run = try citusVerify("stats", "--json")
        #expect(run.status == 0, "\(run)")
        let stats = try JSONDecoder().decode(ShardStatistics.self, from: Data(run.output.utf8))
        let perNode = try cluster.sqlRows("SELECT nodeport, count(*) AS shards FROM citus_shards GROUP BY nodeport ORDER BY nodeport")
        #expect(stats.nodes.map { Int($0.address.split(separator: ":").last!)! } == (try perNode.map { try $0.get("nodeport", as: Int.self) }))
        #expect(stats.nodes.map(\.shards) == (try perNode.map { try $0.get("shards", as: Int.self) }))
        #expect(Set(stats.shards.map(\.shardID)) == Set(try cluster.sqlRows("SELECT shardid FROM citus_shards").map { try $0.get("shardid", as: Int64.self) }))
        let orderRows = stats.shards.filter { $0.table == "orders" }.reduce(0) { $0 + $1.rows }
        #expect(orderRows == Int64(try cluster.sqlValue("SELECT count(*) FROM orders", as: Int.self)))
        #expect(stats.colocationGroups.contains { $0.tables == ["order_items", "orders"] && $0.distributionColumn == "user_id" })
    }

    @Test("demo all runs every demonstration and shows how Citus executed each query", .proves(.npmDemo))
    func demoAll() throws {
        let run = try citusVerify("demo", "all", "--rows", "1")
        #expect(run.status == 0, "\(run)")
        for query in DemoQuery.allCases { #expect(run.output.contains("== \(query.rawValue):"), "\(query)") }
        let plans = run.output.split(separator: "\n").filter { $0.contains("plan: ") }
        #expect(!plans.isEmpty && plans.allSatisfy { $0.contains("Citus Adaptive") }, "\(plans)")
        #expect(plans.first?.contains("1 task") == true, "single-shard is routed to one task: \(plans)")
        #expect(plans.contains { $0.contains("repartitioned between nodes") }, "the cross-shard join repartitions")
        Evidence.note("citus-verify demo all: " + plans.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " | "))
    }

    @Test("reshard add-worker really registers worker3; adding it again is refused")
    func addWorker() throws {
        let run = try citusVerify("reshard", "add-worker")
        #expect(run.status == 0, "\(run)")
        #expect(try cluster.activeWorkers() == ["worker1", "worker2", "worker3"])
        let again = try citusVerify("reshard", "add-worker")
        #expect(again.status == 1 && again.errorOutput.contains("already registered"), "\(again)")
    }

    @Test("reshard rebalance moves shards onto worker3 and prints Citus's progress as it goes")
    func rebalance() throws {
        let worker3 = cluster.configuration.workers[2]
        let run = try citusVerify("reshard", "rebalance")
        #expect(run.status == 0, "\(run)")
        #expect(try shardsOn(worker3) > 1, "worker3 holds shards beyond its reference-table copy")
        #expect(run.output.contains("progress: move shard"), "\(run)")
    }

    @Test("reshard isolate --tenant gives that tenant a shard of its own; a tenant without orders is refused")
    func isolate() throws {
        let tenant = try cluster.sqlValue("SELECT min(user_id) FROM orders", as: Int.self)
        let run = try citusVerify("reshard", "isolate", "--tenant", String(tenant))
        #expect(run.status == 0, "\(run)")
        let range = try cluster.sqlRow("""
            SELECT shardminvalue::bigint AS lo, shardmaxvalue::bigint AS hi, worker_hash($1::bigint) AS h FROM pg_dist_shard
            WHERE shardid = get_shard_id_for_distribution_column('orders', $1::bigint)
            """, [tenant])
        #expect(try range.get("lo", as: Int64.self) == range.get("h", as: Int64.self))
        #expect(try range.get("hi", as: Int64.self) == range.get("h", as: Int64.self))
        let none = try citusVerify("reshard", "isolate", "--tenant", "987654321")
        #expect(none.status == 1 && none.errorOutput.contains("has no orders"), "\(none)")
    }

    @Test("reshard drain --worker worker2 leaves no placement on it and removes it from the metadata")
    func drain() throws {
        let worker2 = cluster.configuration.workers[1]
        let run = try citusVerify("reshard", "drain", "--worker", "worker2")
        #expect(run.status == 0, "\(run)")
        #expect(try shardsOn(worker2) == 0)
        #expect(try cluster.activeWorkers() == ["worker1", "worker3"])
        #expect(try cluster.pendingCleanupRecords() == 0)
    }

    @Test("reshard undistribute leaves plain tables with every row of the baseline; undistributing again is refused")
    func undistribute() throws {
        let baseline = try #require(try cluster.recordedBaseline(), "setup recorded the baseline")
        let run = try citusVerify("reshard", "undistribute")
        #expect(run.status == 0, "\(run)")
        #expect(try cluster.sqlValue("SELECT count(*) FROM citus_tables", as: Int.self) == 0)
        #expect(try cluster.checksums() == baseline.checksums, "nothing lost or changed through the tool's lifecycle")
        let again = try citusVerify("reshard", "undistribute")
        #expect(again.status == 1 && again.errorOutput.contains("not a distributed table"), "\(again)")
    }
}
