import ClusterFixtures
import Testing

extension Lifecycle {
    /// What every fault scenario ends with, in one place so that each scenario checks the same
    /// things in the same order:
    /// 1. the writers' ledger (every column of every acknowledged write): writes were acknowledged
    ///    and none is lost, duplicated or changed; the figures (longest stall, errors by SQLSTATE,
    ///    outcomes in doubt) with the fault and the operation's outcome go to the sign-off's fault
    ///    scenarios (`Evidence.availability`);
    /// 2. the writers' rows removed, then `FaultAudit` on every node. With `orphansAreAFinding`,
    ///    shard tables the metadata does not place are recorded as an intermittent known issue of
    ///    Citus (a crashed coordinator's move copies without a cleanup record) rather than failing:
    ///    what the re-run must clear;
    /// 3. `rerun` (the operation again, with its own checks), the audit again: nothing may be left,
    ///    not even for Citus's cleanup; every table equals the baseline.
    @discardableResult
    public func expectRecovered<T>(from fault: String, operation: String, outcome: Result<T, any Error>, writes: LoadReport,
                                   orphansAreAFinding: Bool = false, rerun: () throws -> Void) throws -> LedgerCheck {
        let ledger = try checkLedger(writes, operation: operation)
        print("fault (\(fault)): writes during \(ledger)")
        Evidence.availability(ledger.availability(outcome: AvailabilityRecord.outcome(of: outcome), fault: fault))
        #expect(ledger.acknowledged > 0, "writers were acknowledged during \(operation) under \(fault)")
        #expect(ledger.holds, "\(ledger)")
        try removeLoadRows()
        let audit = try FaultAudit.run(on: cluster)
        Evidence.note("left for Citus's cleanup after \(fault): "
                      + (audit.beforeCleanup.isEmpty ? "nothing" : audit.beforeCleanup.map(\.description).joined(separator: "; ")))
        let orphans = audit.findings.filter { orphansAreAFinding && $0.what.contains("shard tables of orders/order_items") }
        #expect(audit.findings.filter { !orphans.contains($0) }.isEmpty, "after \(fault): \(audit.findings)")
        if !orphans.isEmpty {
            // Seen here (not every run): the crashed move's copies on the target have no cleanup
            // record, so citus_cleanup_orphaned_resources cannot remove them; the next rebalance
            // does. A finding of Citus's behaviour, recorded with its evidence, never hidden.
            withKnownIssue("a coordinator crash mid-move can leave the target's shard copies without a cleanup record", isIntermittent: true) {
                Issue.record("after \(fault), before the re-run: \(orphans.map(\.description).joined(separator: "; "))")
            }
        }
        try rerun()
        let after = try FaultAudit.run(on: cluster)
        #expect(after.isClean, "after the re-run of \(operation) (\(fault)): \(after.findings)")
        // The re-run's SQL file cleans up after itself (each ends with Citus's cleanup), as in
        // Phase 3: what the audit's own cleanup then found to do is judged, not only removed.
        #expect(after.beforeCleanup.isEmpty, "left for Citus's cleanup by the re-run of \(operation) (\(fault)): \(after.beforeCleanup)")
        let baseline = try #require(try store.recordedBaseline())
        #expect(try cluster.checksums() == baseline.checksums, "every table equals the baseline after \(fault)")
        return ledger
    }
}
