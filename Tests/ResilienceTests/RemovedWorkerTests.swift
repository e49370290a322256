import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// A worker drained and removed while transfers run between two tenants on different shard groups,
/// the removed worker left running (citusdata/citus#8855: a removed worker that keeps running can
/// roll back the coordinator's prepared transactions on other nodes). The invariant workload shows
/// any transfer applied on one shard only: the sum never changes and each balance follows from the
/// acknowledged transfers.
@Suite(
    """
    A worker removed while two-shard transactions run, and left running: no transfer half-applied, no prepared \
    transaction left
    """,
    .serialized, .requiresCitus, .exclusiveCluster)
struct RemovedWorkerTests {
    let cluster: Cluster
    init() throws { cluster = try Cluster.shared() }

    @Test(
        """
        Transfers between two tenants on different shard groups while the first worker is drained and removed \
        (and keeps running): the total never changes, every balance adds up, pg_prepared_xacts empty on every node
        """,
        .faultScenario)
    func removedWorkerKeptRunning() throws {
        try cluster.lifecycle.ensure(.distributed)
        try cluster.lifecycle.addWorker()
        _ = try cluster.lifecycle.rebalance(timeLimit: .seconds(300))
        let drained = cluster.configuration.drainedWorker
        // One account on the worker about to be drained, the other on another worker.
        let onDrained = try cluster.coordinator.value(
            """
            SELECT min(u.id) FROM users u
            JOIN citus_shards s ON s.shardid = get_shard_id_for_distribution_column('orders', u.id)
            WHERE s.nodename = $1 AND s.nodeport = $2
            """, [drained.registeredAddress.host, drained.registeredAddress.port], as: Int.self)
        let elsewhere = try cluster.coordinator.value(
            """
            SELECT min(u.id) FROM users u
            JOIN citus_shards s ON s.shardid = get_shard_id_for_distribution_column('orders', u.id)
            WHERE NOT (s.nodename = $1 AND s.nodeport = $2)
            """, [drained.registeredAddress.host, drained.registeredAddress.port], as: Int.self)
        let transfers = try TransferWorkload(cluster: cluster, accounts: (onDrained, elsewhere))
        defer { _ = try? transfers.remove() }
        Thread.sleep(forTimeInterval: 0.5)
        let drainFrom = transfers.elapsed
        let drain = try cluster.lifecycle.drain(drained, timeLimit: .seconds(300))
        let drainTo = transfers.elapsed
        // The removed worker keeps running (nothing stops it) while the transfers go on.
        Thread.sleep(forTimeInterval: 2)
        let report = try transfers.stop()
        print("removed worker: \(drain); transfers: \(report)")
        // Where the longest stall sat against the drain and removal (same clock): reported, not judged.
        let stall = String(
            format: "longest transfer stall %.2f s from %.2f s; the drain and removal ran from %.2f s to %.2f s",
            report.longestGap, report.longestGapFrom, drainFrom, drainTo)
        print("removed worker: \(stall)")
        try cluster.coordinator.execute("SELECT recover_prepared_transactions()")
        let balances = try transfers.check(report)
        // Writes not as acknowledged: 1 for a total that changed, plus how far each balance is off
        // beyond what the transfers in doubt allow.
        let unaccounted = abs(balances.sum - 2 * TransferWorkload.openingBalance) > 0 ? 1 : 0
        Evidence.availability(
            AvailabilityRecord(
                operation: "drain \(drained.name), then remove it",
                fault: "the removed worker left running under two-shard transfers",
                outcome: "completed", seconds: report.seconds, acknowledged: report.fromFirst + report.fromSecond,
                longestWriteStall: report.longestGap,
                inDoubt: report.inDoubt, errorsBySQLState: report.errorsBySQLState,
                violations: unaccounted + max(0, balances.firstOff - report.inDoubt)
                    + max(0, balances.secondOff - report.inDoubt)))
        #expect(report.fromFirst + report.fromSecond > 0, "transfers were acknowledged")
        #expect(balances.sum == 2 * TransferWorkload.openingBalance, "the total never changes: \(balances)")
        #expect(
            balances.firstOff <= report.inDoubt && balances.secondOff <= report.inDoubt,
            """
            each balance is what the acknowledged transfers make it, give or take the \(report.inDoubt) in doubt: \
            \(balances)
            """
        )
        for node in cluster.nodes {
            #expect(
                try node.value("SELECT count(*) FROM pg_prepared_xacts", as: Int.self) == 0,
                "prepared transactions left on \(node.name)")
        }
        #expect(try cluster.activeWorkers() == cluster.configuration.workers.map(\.name).filter { $0 != drained.name })
        try transfers.remove()
        let audit = try FaultAudit.run(on: cluster)
        #expect(audit.isClean, "\(audit.findings)")
        Evidence.note(
            """
            \(drained.name) drained and removed under transfers, left running: \(report); sum \(balances.sum), \
            balances off by \(balances.firstOff) and \(balances.secondOff); no prepared transaction on any node; \
            \(stall)
            """
        )
    }
}
