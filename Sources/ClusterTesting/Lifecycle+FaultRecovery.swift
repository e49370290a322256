import ClusterFixtures
import Foundation
import Testing

extension Lifecycle {
    /// What every fault scenario ends with, in one place so that each scenario checks the same
    /// things in the same order:
    /// 1. the writers' ledger (every column of every acknowledged write), read before and after
    ///    Citus's prepared-transaction recovery (a write only recovery shows is late, not lost, and
    ///    recorded as citusdata/citus#3780): writes were acknowledged
    ///    and none is lost, duplicated or changed; the figures (longest stall, errors by SQLSTATE,
    ///    outcomes in doubt) with the fault and the operation's outcome go to the sign-off's fault
    ///    scenarios (`Evidence.availability`);
    /// 2. the writers' rows removed, then `FaultAudit` on every node. With `orphansAreAFinding`,
    ///    shard tables the metadata does not place are recorded as an intermittent known issue of
    ///    Citus (a crashed coordinator's move copies without a cleanup record) rather than failing:
    ///    what the re-run must clear;
    /// 3. `rerun` (the operation again, with its own checks), the audit again: nothing may be left,
    ///    not even for Citus's cleanup; every table equals the baseline.
    ///
    /// With `coordinatorCrashed`, order ids given twice (`LedgerCheck.reusedIDs`) are recorded as an
    /// intermittent known issue rather than failing: a crashed coordinator's id sequence can go back
    /// (docs/citus-issues.md, `KnownIssueTests.coordinatorCrashReusesOrderIDs` makes it happen); every
    /// row must still hold.
    @discardableResult
    public func expectRecovered<T>(
        from fault: String, operation: String, outcome: Result<T, any Error>, writes: LoadReport,
        orphansAreAFinding: Bool = false, coordinatorCrashed: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation,
        rerun: () throws -> Void
    ) throws -> LedgerCheck {
        // Read before and after Citus's prepared-transaction recovery (see RecoveredLedger): a
        // write acknowledged while a worker died before its COMMIT PREPARED is late, not lost
        // (LateTwoPhaseWriteTests makes one on purpose); only what recovery does not bring back is.
        let across = try checkLedgerAcrossRecovery(writes, operation: operation)
        let ledger = across.ledger
        let late = across.late
        Evidence.note(
            "after \(fault): \(across.recovery); "
                + (late.isEmpty
                    ? "no acknowledged write was invisible before it"
                    : "acknowledged writes visible only after it: \(late)"))
        if !late.isEmpty {
            recordingKnownIssue(
                """
                an acknowledged two-phase write is invisible until prepared-transaction recovery \
                (citusdata/citus#3780)
                """,
                isIntermittent: true, sourceLocation: sourceLocation
            ) {
                Issue.record(
                    Comment(
                        rawValue:
                            """
                            after \(fault): \(late.count) acknowledged write(s) \(late) appeared only after \
                            \(across.recovery)
                            """
                    ), sourceLocation: sourceLocation)
            }
        }
        print("fault (\(fault)): writes during \(ledger)")
        if !ledger.lost.isEmpty { recordLostWriteEvidence(ledger.lost, writes: writes, fault: fault) }
        Evidence.availability(ledger.availability(outcome: AvailabilityRecord.outcome(of: outcome), fault: fault))
        #expect(
            ledger.acknowledged > 0, "writers were acknowledged during \(operation) under \(fault)",
            sourceLocation: sourceLocation)
        if coordinatorCrashed && !ledger.reusedIDs.isEmpty {
            recordingKnownIssue(
                "a crashed coordinator's id sequence hands out ids acknowledged orders already have",
                isIntermittent: true, sourceLocation: sourceLocation
            ) {
                Issue.record(
                    "after \(fault): order ids given twice \(ledger.reusedIDs)", sourceLocation: sourceLocation)
            }
            #expect(ledger.rowsHold, "\(ledger)", sourceLocation: sourceLocation)
        } else {
            #expect(ledger.holds, "\(ledger)", sourceLocation: sourceLocation)
        }
        try removeLoadRows()
        let audit = try FaultAudit.run(on: cluster)
        Evidence.note(
            "left for Citus's cleanup after \(fault): "
                + (audit.beforeCleanup.isEmpty
                    ? "nothing" : audit.beforeCleanup.map(\.description).joined(separator: "; ")))
        // What a crashed coordinator leaves of its move in flight on the target, with no cleanup
        // record: shard copies (seen on Citus 13.2 and 14.0) and, seen once on Citus 14.0.1 with
        // PostgreSQL 18.6, the move's subscription and its role. Only objects of a shard move count.
        let orphans = audit.findings.filter { finding in
            orphansAreAFinding
                && (finding.what.contains("shard tables of orders/order_items")
                    || finding.what.hasPrefix("Citus subscription citus_shard_move_subscription_")
                    || finding.what.hasPrefix("Citus role citus_shard_move_subscription_role_"))
        }
        #expect(
            audit.findings.filter { !orphans.contains($0) }.isEmpty, "after \(fault): \(audit.findings)",
            sourceLocation: sourceLocation)
        if !orphans.isEmpty {
            // Seen here (not every run): the crashed move's copies on the target have no cleanup
            // record, so citus_cleanup_orphaned_resources cannot remove them; the next rebalance
            // does. A finding of Citus's behaviour, recorded with its evidence, never hidden.
            recordingKnownIssue(
                """
                a coordinator crash mid-move can leave the target's shard copies (and the move's subscription) \
                without a cleanup record
                """,
                isIntermittent: true, sourceLocation: sourceLocation
            ) {
                Issue.record(
                    "after \(fault), before the re-run: \(orphans.map(\.description).joined(separator: "; "))",
                    sourceLocation: sourceLocation)
            }
        }
        try rerun()
        let after = try FaultAudit.run(on: cluster)
        #expect(
            after.isClean, "after the re-run of \(operation) (\(fault)): \(after.findings)",
            sourceLocation: sourceLocation)
        // The re-run's SQL file cleans up after itself (each ends with Citus's cleanup), as in
        // Phase 3: what the audit's own cleanup then found to do is judged, not only removed.
        #expect(
            after.beforeCleanup.isEmpty,
            "left for Citus's cleanup by the re-run of \(operation) (\(fault)): \(after.beforeCleanup)",
            sourceLocation: sourceLocation)
        let baseline = try #require(try store.recordedBaseline(), sourceLocation: sourceLocation)
        let checksums = try cluster.checksums()
        let differences = checksums == baseline.checksums ? [] : try cluster.tableDifferences(from: baseline.data)
        #expect(
            checksums == baseline.checksums, "every table equals the baseline after \(fault): \(differences)",
            sourceLocation: sourceLocation)
        return ledger
    }

    /// A lost write's evidence (`LostWriteEvidence`), printed and kept in
    /// `reports/lost-writes/<fault>-<time>/` with the nodes' log tails. Reading it never fails the
    /// test on its own: the ledger's expectation already does.
    func recordLostWriteEvidence(_ lost: [String], writes: LoadReport, fault: String) {
        do {
            let evidence = try LostWriteEvidence.collect(on: cluster, lost: lost, acknowledged: writes.acknowledged)
            let slug = fault.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            let folder = ProjectLayout.root.appendingPathComponent(
                "reports/lost-writes/\(slug)-\(Int(Date().timeIntervalSince1970))")
            try evidence.write(to: folder)
            print("\(evidence)\n  kept in \(folder.path)")
        } catch {
            print("lost-write evidence after \(fault) could not be read: \(error)")
        }
    }
}
