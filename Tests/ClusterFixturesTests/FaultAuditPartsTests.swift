import Testing

@testable import ClusterFixtures

/// The audit's verdicts on findings written by hand: its readers (the fault scenarios, Phase 4)
/// judge `isClean` and the sequences left by undistribute, which a real run seldom shows both ways.
@Suite("The fault audit's verdicts: clean only with no finding; the sequences left by undistribute told apart")
struct FaultAuditPartsTests {
    static let sequence = FaultAudit.Finding(
        node: "worker1", what: "sequence public.orders_id_seq left after undistribute (citusdata/citus#6695)")
    static let slot = FaultAudit.Finding(node: "worker2", what: "Citus replication slot citus_shard_move_slot_1 left")

    @Test("Clean with no finding; any finding, a left sequence included, makes it unclean")
    func cleanOnlyWithoutFindings() {
        #expect(FaultAudit(findings: []).isClean)
        #expect(!FaultAudit(findings: [Self.slot]).isClean)
        #expect(!FaultAudit(findings: [Self.sequence]).isClean)
    }

    @Test("The left sequences and everything else, each finding in exactly one of them")
    func sequencesToldApart() {
        let audit = FaultAudit(findings: [Self.slot, Self.sequence])
        #expect(audit.leftoverSequences == [Self.sequence])
        #expect(audit.withoutLeftoverSequences == [Self.slot])
    }

    @Test("Cleanup records found before the cleanup: a lock held by another session is said only when one was")
    func cleanupLockSaidOnlyWhenHeld() {
        let quiet = FaultAudit.cleanupRecordsFound(records: 1, objects: "1 orders_102008 on group 2", lockHolders: 0)
        #expect(quiet.node == "coordinator")
        #expect(quiet.what == "1 record(s) in pg_dist_cleanup: 1 orders_102008 on group 2", "\(quiet)")
        let held = FaultAudit.cleanupRecordsFound(records: 2, objects: "…", lockHolders: 1)
        #expect(
            held.what.hasSuffix("(1 other session(s) held a Citus cleanup-operation lock at that moment)"), "\(held)")
    }
}
