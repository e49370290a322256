import ArgumentParser
import ClusterFixtures
import Foundation

/// `citus-verify reshard <scenario>`: one lifecycle step at a time, with what it changed.
struct Reshard: ParsableCommand {
    enum Scenario: String, CaseIterable, ExpressibleByArgument {
        case enableCitus = "enable-citus"
        case addWorker = "add-worker"
        case rebalance
        case isolate
        case drain
        case undistribute
    }

    static let configuration = CommandConfiguration(
        abstract: "Run one resharding step and show the shards per node before and after.",
        discussion: """
            Scenarios, in lifecycle order:
              enable-citus   CREATE EXTENSION citus, register worker1 and worker2, distribute orders and \
            order_items by user_id (colocated), make regions a reference table (sql/sharding/10-14)
              add-worker     register worker3 (sql/resharding/30)
              rebalance      move shard groups until every worker holds the same number (31)
              isolate        give one tenant a shard of its own: the one with the most orders, or --tenant (32)
              drain          move every shard off a worker, then remove it: --worker, default worker1 (33)
              undistribute   turn every table back into a plain table on the coordinator (34)
            Long operations print Citus's progress (get_rebalance_progress, citus_rebalance_status) as it changes.

            Examples:
              citus-verify reshard enable-citus
              citus-verify reshard isolate --tenant 42
              citus-verify reshard drain --worker worker2
            """
    )

    @Argument(help: "One of: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenario: Scenario

    @Option(help: "isolate: the tenant (user_id) to isolate; default: the one with the most orders.")
    var tenant: Int?

    @Option(help: "drain: the worker to drain and remove, by name (worker1, worker2, worker3).")
    var worker = "worker1"

    @Option(help: "Seconds a long operation may take before it is cancelled.")
    var timeLimit = 600

    func validate() throws {
        if tenant != nil && scenario != .isolate { throw ValidationError("--tenant applies to the isolate scenario only") }
        guard timeLimit > 0 else { throw ValidationError("--time-limit must be above 0 seconds, got \(timeLimit)") }
    }

    func run() throws {
        let cluster = try ClusterAccess.open()
        let before = try shardsPerNode(cluster)
        let progress: (String) -> Void = { print("  progress: \($0)") }
        switch scenario {
        case .enableCitus:
            let evidence = try cluster.distribute()
            print("enable-citus: \(evidence.citusVersion); active workers: \(evidence.activeWorkers.joined(separator: ", "))")
        case .addWorker:
            print("add-worker: active workers now \(try cluster.addWorker().joined(separator: ", "))")
        case .rebalance:
            print(String(describing: try cluster.rebalance(timeLimit: timeLimit, onProgress: progress)))
        case .isolate:
            let isolation = try cluster.isolateTenant(tenant, timeLimit: timeLimit, onProgress: progress)
            print("isolate: tenant \(isolation.tenant) (\(isolation.tenantOrders) orders) moved from shard \(isolation.shardBefore) to shard \(isolation.shardAfter), hash range [\(isolation.shardMinValue), \(isolation.shardMaxValue)]; orders has \(isolation.orderShardCountBefore) → \(isolation.orderShardCountAfter) shards")
        case .drain:
            guard let target = cluster.configuration.workers.first(where: { $0.name == worker }) else {
                throw ValidationError("--worker must be one of \(cluster.configuration.workers.map(\.name).joined(separator: ", ")), got '\(worker)'")
            }
            print(String(describing: try cluster.drain(target, timeLimit: timeLimit, onProgress: progress)))
        case .undistribute:
            print(String(describing: try cluster.undistribute(timeLimit: timeLimit).report))
        }
        let after = try shardsPerNode(cluster)
        let nodes = Set(before.keys).union(after.keys).sorted()
        print(TextTable(header: ["node", "shards before", "shards after"],
                        rows: nodes.map { [$0, String(before[$0] ?? 0), String(after[$0] ?? 0)] }).render())
    }

    /// Shard placements per node over every Citus table; empty where Citus is not enabled.
    private func shardsPerNode(_ cluster: Cluster) throws -> [String: Int] {
        guard try cluster.hasExtension("citus") else { return [:] }
        return try cluster.placements().shardsByNode
    }
}
