/// The writers' ledger read on both sides of Citus's prepared-transaction recovery
/// (`Lifecycle.checkLedgerAcrossRecovery`).
///
/// A write that Citus commits in two phases is acknowledged once the coordinator has recorded its
/// commit; a worker that dies after PREPARE TRANSACTION and before COMMIT PREPARED reached it keeps
/// the write prepared, invisible to every reader, until `recover_prepared_transactions()` (or the
/// maintenance daemon, every `citus.recover_2pc_interval`) commits it: acknowledged, durable and
/// late (citusdata/citus#3780). Read before recovery, such a write looks lost; read only after,
/// the delay is never seen. Both readings are kept, so a write is called lost only when recovery
/// does not bring it back, and a late one is named.
public struct RecoveredLedger: Sendable {
    /// The ledger before recovery: what a reader saw right after the fault.
    public var beforeRecovery: LedgerCheck
    /// The ledger once no node holds a prepared transaction (or the wait for that ran out): the
    /// verdict on what was lost.
    public var ledger: LedgerCheck
    /// What recovery did in between.
    public var recovery: PreparedTransactionRecovery

    /// Acknowledged writes invisible before recovery and there after it: late, not lost.
    public var late: [String] { Set(beforeRecovery.lost).subtracting(ledger.lost).sorted() }
}
