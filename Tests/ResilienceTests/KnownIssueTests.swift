import ClusterFixtures
import ClusterTesting
import Foundation
import Synchronization
import Testing

/// Citus bugs users have reported, watched on this cluster: recorded as known issues (the run stays
/// green while they exist) with the evidence, and loud the day Citus fixes them (a known issue
/// that does not occur fails its test, so the suite's own workaround and notes get revisited), unless
/// its occurrence is timing and it is marked intermittent (then its outcome is shown, not judged).
@Suite(
    "Known Citus issues, watched: recorded with their evidence, loud once fixed", .serialized, .requiresCitus,
    .exclusiveCluster)
struct KnownIssueTests {
    let cluster: Cluster
    init() throws { cluster = try Cluster.shared() }

    /// A split that has not returned after this long is stalled: at the suite's scale one takes
    /// about 1.5 s here.
    static let stallAfter: Duration = .seconds(30)

    @Test(
        """
        Tenant isolation while that tenant's orders are updated: completes, or is reported stalled \
        (citusdata/citus#6790) with the split's replication positions
        """,
        .faultScenario)
    func isolationUnderUpdates() throws {
        try cluster.lifecycle.ensure(.distributed)
        let tenant = try cluster.heaviestTenant().id
        var options = LoadGenerator.Options.ledger(seed: 60, hotTenant: tenant)
        options.updateShare = 0.8
        options.hotShare = 0.8
        let cancellation = OperationCancellation()
        let evidence = Mutex<[String]>([])
        let run = try cluster.lifecycle.withWriters(options) { () -> Result<TenantIsolation, any Error> in
            let isolation = BlockingWork("isolation under updates") { [cluster] in
                try cluster.lifecycle.isolateTenant(tenant, timeLimit: .seconds(120), cancellation: cancellation)
            }
            if let finished = isolation.wait(Self.stallAfter) { return finished }
            // The watchdog: no result in time. What the split's subscriptions were doing, then stop it.
            for node in cluster.workers {
                let rows =
                    (try? node.rows(
                        """
                        SELECT subname::text AS subscription, coalesce(received_lsn::text, '-') AS received,
                               coalesce(latest_end_lsn::text, '-') AS applied,
                               coalesce(last_msg_receipt_time::text, '-') AS last_message
                        FROM pg_stat_subscription WHERE subname LIKE 'citus\\_shard\\_split%'
                        """)) ?? []
                evidence.withLock { $0 += rows.map { "\(node.name): \($0)" } }
            }
            cancellation.cancel()
            return isolation.wait(.seconds(60))
                ?? .failure(StepHung(step: "the stalled isolation after its cancellation"))
        }
        let outcome = try run.get()
        let seen = evidence.withLock { $0 }
        // While citusdata/citus#6790 exists the split stalls under this load when an UPDATE of the
        // tenant lands in its catch-up; whether one does is timing (the split cannot be held there:
        // Citus 13.2.2's split takes no MovePause lock, tried before copy and before cutover). It
        // stalled in every run on the embedded cluster, but completed in 2.3 s once on the
        // own-cluster check (no TLS): intermittent, so a completed split is recorded (outcome
        // "completed" in the sign-off's fault table) rather than failing the run.
        recordingKnownIssue(
            "a non-blocking split stalls under UPDATEs of the tenant it moves (citusdata/citus#6790)",
            isIntermittent: true
        ) {
            if case .failure(let error) = outcome {
                Issue.record(
                    """
                    stalled (citusdata/citus#6790): no result after \(Self.stallAfter); the split's \
                    subscriptions: \(seen.isEmpty ? "none seen" : seen.joined(separator: "; ")); then \(error)
                    """
                )
            }
        }
        print(
            """
            known issue #6790: \
            \((try? outcome.get()) != nil ? "the isolation completed under updates" : "stalled; evidence: \(seen)")
            """
        )
        // Whatever the outcome: cleaned up, every acknowledged write holds, nothing left.
        try cluster.dropLeftoverReplication()
        let ledger = try cluster.lifecycle.checkLedger(run.writes, operation: "tenant isolation")
        print("known issue #6790: writes during \(ledger)")
        Evidence.availability(
            ledger.availability(
                outcome: AvailabilityRecord.outcome(of: outcome),
                fault:
                    "80% of the writes update the isolated tenant (citusdata/citus#6790); watchdog \(Self.stallAfter)"))
        #expect(ledger.acknowledged > 0 && ledger.updates > 0 && ledger.holds, "\(ledger)")
        try cluster.lifecycle.removeLoadRows()
        let audit = try FaultAudit.run(on: cluster)
        #expect(audit.isClean, "\(audit.findings)")
        let baseline = try #require(try cluster.lifecycle.store.recordedBaseline())
        #expect(try cluster.checksums() == baseline.checksums)
        let isolated =
            (try? outcome.get()) != nil
            ? "completed" : "stalled (citusdata/citus#6790), stopped by the watchdog after \(Self.stallAfter)"
        Evidence.note("isolation under UPDATEs of the tenant: \(isolated); writes held, nothing left")
    }
}
