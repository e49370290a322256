/// A verification line of the migration checklist (`docs/seed-checklist.md`), word for word: what
/// a test proves with the `.proves(...)` trait, and what the sign-off ticks when that test passed.
public enum ChecklistItem: String, CaseIterable, Codable, Sendable {
    // Phase 1
    case tablesCreated = "Tables created successfully"
    case ordersSeeded = "10,000+ orders seeded"
    case citusNotCreated = "Citus extension NOT created yet"
    case baselineQueries = "Baseline queries work correctly"
    // Phase 2
    case citusEnabled = "Citus extension enabled"
    case workersRegistered = "Workers registered and healthy"
    case tablesDistributed = "Tables distributed across workers"
    case shardsVisible = "Shards visible in citus_shards"
    case explainDistributed = "EXPLAIN shows distributed execution"
    // Phase 3
    case thirdWorkerAdded = "Third worker added successfully"
    case shardsRebalanced = "Shards rebalanced across 3 workers"
    case tenantIsolation = "Tenant isolation works"
    case drainWithoutLoss = "Worker drain completes without data loss"
    // Phase 4
    case convertedToRegular = "Table converted to regular PostgreSQL"
    case dataConsolidated = "All data consolidated on coordinator"
    case queriesOnRegularTable = "Queries work on regular table"
    case citusTablesEmpty = "citus_tables returns empty"
    // Documentation: the seed's npm scripts, here make targets and citus-verify commands
    case npmSetup = "`npm run setup`"
    case npmLoad = "`npm run load`"
    case npmDemo = "`npm run demo`"
    case npmPhase1 = "`npm run phase1`"
    case npmPhase2 = "`npm run phase2`"
    case npmPhase3 = "`npm run phase3`"
    case npmPhase4 = "`npm run phase4`"
    case npmAll = "`npm run all`"
    // Testing & Validation
    case fullDemoCycle = "Run full demo cycle (`npm run all`)"
    case integrityAfterEachPhase = "Verify data integrity after each phase"
    case queriesAtEachPhase = "Test queries return correct results at each phase"
    case performanceMetrics = "Capture performance metrics for comparison"

    /// What this project runs for a line that names the seed's npm scripts.
    public var equivalent: String? {
        switch self {
        case .npmSetup: "make setup (citus-verify setup)"
        case .npmLoad: "make load (citus-verify load)"
        case .npmDemo: "make demo (citus-verify demo)"
        case .npmPhase1: "make phase1"
        case .npmPhase2: "make phase2"
        case .npmPhase3: "make phase3"
        case .npmPhase4: "make phase4"
        case .npmAll, .fullDemoCycle: "make all / make signoff (Phase 1 to 4 in order)"
        default: nil
        }
    }
}
