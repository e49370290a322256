/// Where the cluster is in its life. Each phase starts from one stage and ends at the next;
/// the coordinator remembers the stage in `verify.lifecycle` so a phase run alone can tell whether
/// it must first rebuild what comes before it.
public enum LifecycleStage: String, Sendable, Comparable, CaseIterable {
    /// Phase 1's end: plain tables, seeded, no Citus on the coordinator.
    case baseline
    /// Phase 2's end: orders and order_items distributed on two workers, regions a reference table.
    case distributed
    /// Phase 3's end: a third worker added, shards rebalanced, a tenant isolated, a worker drained and removed.
    case resharded
    /// Phase 4's end: every table a plain table on the coordinator again.
    case undistributed

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// An operation was asked of a cluster that is not at the stage it starts from: a phase run
/// before its predecessor's state exists.
public struct StageMismatch: Error, CustomStringConvertible {
    public var operation: String
    public var needs: LifecycleStage
    /// What `verify.lifecycle` records: a stage, `changing to …`, or nil for no record.
    public var found: String?

    public var description: String {
        "\(operation) starts from the '\(needs.rawValue)' stage, but the cluster is "
            + (found.map { "at '\($0)'" } ?? "not set up by this suite (no verify.lifecycle)")
            + ": run the phases before it first (make phaseN prepares its own start)"
    }
}

extension Lifecycle {
    /// Throws `StageMismatch` unless the recorded stage is `stage`.
    func require(_ stage: LifecycleStage, for operation: String) throws {
        let found = try store.recordedStageText()
        guard found == stage.rawValue else { throw StageMismatch(operation: operation, needs: stage, found: found) }
    }

    /// Whether Citus is enabled and `orders` is one of its tables.
    func ordersIsDistributed() throws -> Bool {
        try cluster.hasExtension("citus")
            && cluster.coordinator.value(
                "SELECT count(*) FROM citus_tables WHERE table_name = 'orders'::regclass", as: Int.self) == 1
    }

    /// Throws `CitusNotEnabled` unless Citus is enabled and orders is distributed.
    func requireDistributedTables() throws {
        guard try ordersIsDistributed() else {
            throw CitusNotEnabled(node: "coordinator (\(configuration.coordinator))")
        }
    }
}
