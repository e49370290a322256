import ClusterFixtures
import ClusterTesting
import Foundation
import Synchronization
import Testing

/// Faults to the long operations as a whole, each held at an exact step first (`MovePause`): a
/// wait the suite gives up on (the job keeps running, citusdata/citus#7896), the coordinator
/// crashing mid-rebalance, a drain stopped part-way and resumed. After each: every acknowledged
/// write holds, the audit finds nothing on any node, the operation run again completes, and every
/// table equals the baseline. Embedded cluster only.
@Suite("Faults to rebalance and drain jobs: stopped waits, a crashed coordinator, a stopped drain",
       .serialized, .requiresCitus, .requiresLocalCluster, .exclusiveCluster)
struct JobFaultTests {
    let cluster: Cluster
    let local: LocalCluster

    init() throws {
        cluster = try Cluster.shared()
        local = LocalCluster(directory: cluster.configuration.localClusterDirectory)
    }

    /// Distributed, the last worker added with its reference-table copies (so a pause holds a
    /// shard group's move, not that copy).
    func prepare() throws {
        try cluster.lifecycle.ensure(.distributed)
        try cluster.lifecycle.addWorker()
        try cluster.sqlRow("SELECT replicate_reference_tables(shard_transfer_mode => 'force_logical')")
    }

    func jobState() throws -> String {
        try cluster.sqlValue("""
            SELECT coalesce((SELECT state::text FROM pg_dist_background_job WHERE job_type = 'rebalance' ORDER BY job_id DESC LIMIT 1), 'none')
            """, as: String.self)
    }

    /// The after-fault audit, the re-run of the operation by `rerun`, and the baseline.
    /// `orphansAreAFinding`: shard tables the metadata does not place, found before the re-run, are
    /// reported as a finding (recorded, with the evidence) rather than failing; after the re-run
    /// nothing may be left.
    func expectRecovered(_ context: String, writes: LoadReport, orphansAreAFinding: Bool = false, rerun: () throws -> Void) throws {
        let ledger = try cluster.lifecycle.checkLedger(writes, operation: context)
        print("fault: writes during \(ledger)")
        #expect(ledger.acknowledged > 0, "writers were acknowledged during \(context)")
        #expect(ledger.holds, "\(ledger)")
        try cluster.lifecycle.removeLoadRows()
        let audit = try FaultAudit.run(on: cluster)
        let orphans = audit.findings.filter { orphansAreAFinding && $0.what.contains("shard tables of orders/order_items") }
        #expect(audit.findings.filter { !orphans.contains($0) }.isEmpty, "after \(context): \(audit.findings)")
        if !orphans.isEmpty {
            // Seen here (not every run): the crashed move's copies on the target have no cleanup
            // record, so citus_cleanup_orphaned_resources cannot remove them; the next rebalance
            // does. A finding of Citus's behaviour, recorded with its evidence, never hidden.
            withKnownIssue("a coordinator crash mid-move can leave the target's shard copies without a cleanup record", isIntermittent: true) {
                Issue.record("after \(context), before the re-run: \(orphans.map(\.description).joined(separator: "; "))")
            }
        }
        try rerun()
        let after = try FaultAudit.run(on: cluster)
        #expect(after.isClean, "after the re-run of \(context): \(after.findings)")
        let baseline = try #require(try cluster.lifecycle.store.recordedBaseline())
        #expect(try cluster.checksums() == baseline.checksums, "every table equals the baseline after \(context)")
    }

    func expectBalanced() throws {
        let counts = try cluster.placements(of: "orders").shardsByNode
        #expect(counts.count == cluster.configuration.workers.count && counts.values.max()! - counts.values.min()! <= 1, "\(counts)")
    }

    @Test("A rebalance wait the suite gives up on: the job it leaves running is stopped, and no slot, subscription, publication or role is left on any node")
    func timedOutWait() throws {
        try prepare()
        try MovePause.enableForNewSessions(on: cluster)
        defer { _ = try? MovePause.disableForNewSessions(on: cluster) }
        let pause = try MovePause(.beforeCutover, on: cluster)
        defer { pause.release() }
        let state = Mutex("")
        let run = try cluster.lifecycle.withWriters(.ledger(seed: 30)) { () -> Result<OperationReport, any Error> in
            let waited = BlockingWork("rebalance wait") { [cluster] in try cluster.lifecycle.rebalance(timeLimit: .seconds(4)) }
            try pause.waitUntilReached(timeLimit: .seconds(60))
            let outcome = waited.wait(.seconds(60)) ?? .failure(StepHung(step: "the rebalance wait"))
            // The wait is over; the job is not (citusdata/citus#7896). The suite stops it.
            state.withLock { $0 = (try? jobState()) ?? "?" }
            try cluster.sqlRow("SELECT citus_rebalance_stop()")
            pause.release()
            try cluster.coordinatorNode.poll("""
                SELECT count(*) FROM pg_dist_background_job WHERE job_type = 'rebalance' AND state NOT IN ('finished', 'cancelled', 'failed')
                """, as: Int.self, every: .milliseconds(200), timeLimit: .seconds(60)) { $0 == 0 }
            return outcome
        }
        let outcome = try run.get()
        // The suite's bound ends the wait: its statement_timeout (57014) or its own OperationStalled.
        #expect { try outcome.get() } throws: { error in
            error is OperationStalled || "\(error)".contains("57014")
        }
        print("fault: after the timed-out wait the job was \(state.withLock { $0 }); then \(try jobState()) once stopped")
        #expect(state.withLock { $0 } == "running", "the job outlived the wait (citusdata/citus#7896)")
        try expectRecovered("a timed-out rebalance wait", writes: run.writes) {
            try cluster.lifecycle.rebalance(timeLimit: .seconds(300))
            try expectBalanced()
        }
        Evidence.note("timed-out wait: job \(state.withLock { $0 }) after the wait, stopped by the suite, nothing left on any node, the re-run balanced")
    }

    @Test("The coordinator crashes (immediate shutdown) mid-rebalance: after a restart the job's state is reported, a new rebalance converges, one placement per shard")
    func coordinatorCrash() throws {
        try prepare()
        try MovePause.enableForNewSessions(on: cluster)
        defer { _ = try? MovePause.disableForNewSessions(on: cluster) }
        let pause = try MovePause(.beforeCutover, on: cluster)
        defer { pause.release() }
        let run = try cluster.lifecycle.withWriters(.ledger(seed: 31)) { () -> Result<OperationReport, any Error> in
            let rebalance = BlockingWork("rebalance") { [cluster] in try cluster.lifecycle.rebalance(timeLimit: .seconds(120)) }
            try pause.waitUntilReached(timeLimit: .seconds(60))
            try local.kill("coordinator")
            let outcome = rebalance.wait(.seconds(60)) ?? .failure(StepHung(step: "the rebalance"))
            try local.start("coordinator")
            cluster.disconnectAll()
            try cluster.coordinatorNode.poll("SELECT 1", as: Int.self, every: .milliseconds(200), timeLimit: .seconds(60)) { $0 == 1 }
            return outcome
        }
        #expect(throws: (any Error).self, "the client saw the crash") { try run.get().get() }
        let state = try jobState()
        print("fault: after the coordinator's restart the rebalance job is \(state)")
        try expectRecovered("a coordinator crash mid-rebalance", writes: run.writes, orphansAreAFinding: true) {
            let clock = ContinuousClock(), start = clock.now
            try cluster.lifecycle.rebalance(timeLimit: .seconds(300))
            print("fault: the re-issued rebalance converged in \(start.duration(to: clock.now))")
            try expectBalanced()
        }
        Evidence.note("coordinator crash mid-rebalance: job \(state) after the restart; a new rebalance converged, one placement per shard, nothing left")
    }

    @Test("A drain stopped part-way, then resumed: no duplicate placement, pg_dist_cleanup drained to empty, the worker removed")
    func drainStoppedAndResumed() throws {
        try prepare()
        try cluster.lifecycle.rebalance(timeLimit: .seconds(300))
        let drained = cluster.configuration.drainedWorker
        try MovePause.enableForNewSessions(on: cluster)
        defer { _ = try? MovePause.disableForNewSessions(on: cluster) }
        let pause = try MovePause(.beforeCutover, on: cluster)
        defer { pause.release() }
        let cancellation = OperationCancellation()
        let run = try cluster.lifecycle.withWriters(.ledger(seed: 32)) { () -> Result<OperationReport, any Error> in
            let drain = BlockingWork("drain") { [cluster] in
                try cluster.lifecycle.drain(drained, timeLimit: .seconds(120), cancellation: cancellation)
            }
            try pause.waitUntilReached(timeLimit: .seconds(60))
            cancellation.cancel()
            let outcome = drain.wait(.seconds(60)) ?? .failure(StepHung(step: "the drain"))
            pause.release()
            return outcome
        }
        #expect(throws: OperationCancelled.self, "the drain was stopped") { try run.get().get() }
        let marked = try cluster.sqlValue("SELECT NOT shouldhaveshards FROM pg_dist_node WHERE nodename = $1 AND nodeport = $2",
                                          [drained.registeredAddress.host, drained.registeredAddress.port], as: Bool.self)
        print("fault: the stopped drain left \(drained.name) \(marked ? "marked to hold no shards" : "still taking shards")")
        try expectRecovered("a drain stopped part-way", writes: run.writes) {
            try cluster.lifecycle.drain(drained, timeLimit: .seconds(300))
            #expect(try cluster.placements(of: "orders").shards(on: drained.name) == 0)
            #expect(try cluster.activeWorkers() == cluster.configuration.workers.map(\.name).filter { $0 != drained.name })
        }
        Evidence.note("drain stopped before a cutover and resumed: no duplicate placement, cleanup empty, \(drained.name) removed")
    }
}

/// A step that did not return within the test's bound.
struct StepHung: Error, CustomStringConvertible {
    var step: String
    var description: String { "\(step) did not return in time" }
}
