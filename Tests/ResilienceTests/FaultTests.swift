import ClusterFixtures
import ClusterTesting
import Foundation
import Synchronization
import Testing

/// Faults in the middle of a shard move, with writers active throughout: the operation fails
/// with a clear error, no acknowledged write is lost, Citus's cleanup leaves nothing behind, and
/// running the operation again completes.
@Suite(
    "Faults during shard moves: a clear failure, nothing acknowledged lost, no debris, a rerun completes",
    .serialized, .requiresCitus, .requiresLocalCluster, .exclusiveCluster)
struct FaultTests {
    let cluster: Cluster
    let local: LocalCluster

    init() throws {
        cluster = try Cluster.shared()
        local = LocalCluster(directory: cluster.configuration.localClusterDirectory)
    }

    /// A shard moves from the first worker to the last (the one Phase 3 adds), as in the lifecycle.
    private var source: ClusterConfiguration.Worker { cluster.configuration.workers[0] }
    private var target: ClusterConfiguration.Worker { cluster.configuration.addedWorker }

    /// Citus's cleanup has run and left nothing: no cleanup records, no replication slots,
    /// subscriptions or publications of its own on any node, and on every worker exactly the
    /// shard tables the metadata places there.
    private func expectNoDebris(_ context: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try cluster.coordinator.execute("CALL citus_cleanup_orphaned_resources()")
        #expect(
            try cluster.pendingCleanupRecords() == 0, "pg_dist_cleanup after \(context)", sourceLocation: sourceLocation
        )
        for node in cluster.nodes {
            let leftovers = try node.value(
                """
                SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'citus%')
                     + (SELECT count(*) FROM pg_subscription WHERE subname LIKE 'citus%')
                     + (SELECT count(*) FROM pg_publication WHERE pubname LIKE 'citus%')
                """, as: Int.self)
            #expect(
                leftovers == 0,
                "replication slots, subscriptions and publications left on \(node.name) after \(context)",
                sourceLocation: sourceLocation)
        }
        for node in cluster.workers {
            #expect(
                try cluster.shardTableCount(on: node) == cluster.distributedShards(on: node.name),
                "shard tables on \(node.name) match the metadata after \(context)", sourceLocation: sourceLocation)
        }
    }

    @Test(
        """
        A worker stopped abruptly while a shard moves onto it: the move fails clearly, and after a restart \
        nothing is lost and the move completes
        """,
        .faultScenario)
    func workerStoppedDuringMove() throws {
        try cluster.lifecycle.ensure(.distributed)
        // Registered without regions (citus_add_node alone): 35 copies it there before the move.
        try cluster.lifecycle.registerAddedWorkerAlone()
        func regionsOnTarget() throws -> Int {
            try cluster.coordinator.value(
                """
                SELECT count(*) FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)
                WHERE p.shardid IN (SELECT shardid FROM pg_dist_shard WHERE logicalrelid = 'regions'::regclass)
                  AND n.nodename = $1 AND n.nodeport = $2
                """, [target.registeredAddress.host, target.registeredAddress.port], as: Int.self)
        }
        #expect(try regionsOnTarget() == 0, "\(target.name) holds no copy of regions before the move")
        let shard = try cluster.lifecycle.lowestOrdersShard(on: source)
        let stopped = Mutex(false)
        let run = try cluster.lifecycle.withWriters(.ledger(seed: 11)) { () -> Result<OperationReport, any Error> in
            // Stop the target worker as soon as Citus reports the move running.
            let move = Result {
                try cluster.lifecycle.moveShard(shard, to: target, timeLimit: .seconds(120)) { line in
                    guard line.contains("shard \(shard)"), !stopped.withLock({ $0 }) else { return }
                    stopped.withLock { $0 = true }
                    try? local.kill(target.name)
                }
            }
            try cluster.startAgain(target, through: local)
            return move
        }
        let move = try run.get()
        #expect(stopped.withLock { $0 }, "\(target.name) was stopped during the move")
        switch move {
        case .success(let report):
            Issue.record("the move succeeded although its target stopped: \(report)")
        case .failure(let error):
            print("fault: move with its target stopped failed: \(error)")
            #expect(error is DatabaseError, "a database error naming the failure, not a stall: \(error)")
        }
        try cluster.lifecycle.expectRecovered(
            from: "the target worker stopped abruptly once Citus reported the move running",
            operation: "shard move \(source.name) → \(target.name)", outcome: move, writes: run.writes
        ) {
            // Also no Citus object of any kind (the audit looks at shard moves' own).
            try expectNoDebris("the failed move")
            let rerun = try cluster.lifecycle.moveShard(shard, to: target, timeLimit: .seconds(120))
            let placed = try rerun.placementAfter()
            #expect(placed.shard == shard && placed.node == target.registeredAddress, "\(placed)")
            #expect(
                try regionsOnTarget() == 1, "regions copied to \(target.name), which citus_add_node left without it")
            // Online, as 35 says (force_logical), and its source placement cleaned up by the file
            // itself, not left for Citus's deferred cleanup.
            #expect(rerun.replication.wasLogical, "the rerun's move: \(rerun.replication)")
            #expect(
                try cluster.coordinator.value("SELECT count(*) FROM pg_dist_cleanup", as: Int.self) == 0,
                "records left for deferred cleanup right after 35")
            try expectNoDebris("the rerun")
        }
    }

    @Test(
        """
        The coordinator connection dropped in the middle of a rebalance: a clear error, nothing lost, and a rerun \
        completes
        """,
        .faultScenario)
    func connectionDroppedDuringRebalance() throws {
        try cluster.lifecycle.ensure(.distributed)
        try cluster.lifecycle.addWorker()
        let dropped = Mutex(false)
        let application = "citus-verify rebalance under test"
        let run = try cluster.lifecycle.withWriters(.ledger(seed: 12)) { () -> Result<OperationReport, any Error> in
            Result {
                try cluster.lifecycle.rebalance(timeLimit: .seconds(120), settings: ["application_name": application]) {
                    line in
                    guard line.hasPrefix("move"), !dropped.withLock({ $0 }) else { return }
                    dropped.withLock { $0 = true }
                    _ = try? cluster.coordinator.value(
                        "SELECT bool_or(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
                        [application], as: Bool.self)
                }
            }
        }
        let rebalance = try run.get()
        #expect(dropped.withLock { $0 }, "the connection was dropped while shards were moving")
        switch rebalance {
        case .success(let report):
            Issue.record("the rebalance reported success although its connection was dropped: \(report)")
        case .failure(let error):
            print("fault: rebalance with its connection dropped failed: \(error)")
            #expect("\(error)".contains("terminat") || "\(error)".contains("connection"), "\(error)")
        }
        // citus_rebalance_start runs the moves as a background job, which outlives the client's
        // connection: the job finishes (or fails) on its own. Running the operation again waits
        // for it and completes.
        let rerun = try cluster.lifecycle.rebalance(timeLimit: .seconds(300))
        print("fault: rebalance rerun: \(rerun)")
        try cluster.lifecycle.expectRecovered(
            from: "the rebalance's client connection terminated at its first move", operation: "rebalance",
            outcome: rebalance, writes: run.writes
        ) {
            // The operation ran again above, before the audit: its job was still moving shards.
            let counts = try cluster.placements(of: "orders").shardsByNode.values
            #expect(
                counts.count == cluster.configuration.workers.count && counts.max()! - counts.min()! <= 1,
                "balanced over every worker after the rerun")
            try expectNoDebris("the dropped rebalance and its rerun")
        }
    }
}
