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
