import Foundation

extension Cluster {
    /// Every node's database dropped and created anew; on the coordinator the Phase 1 schema and
    /// seed data, and the baseline recorded. Only for a database that is the suite's own
    /// (`CITUS_VERIFY_RESET=allow`).
    @discardableResult
    public func resetToBaseline(seed: UInt64? = nil, scale: Int? = nil) throws -> (Baseline, SeedData) {
        let seed = seed ?? configuration.seed, scale = scale ?? configuration.scale
        guard configuration.allowsReset else {
            throw ConfigurationError(
                variable: "CITUS_VERIFY_RESET", problem: "does not allow rebuilding database \(configuration.database)",
                expected: "'allow' when that database, on every node, belongs to this suite alone (the suite drops and recreates it)")
        }
        let citus = CitusAvailability.missingReason == nil
        disconnectAll()
        let nodes = [("coordinator", configuration.coordinator)] + configuration.workers.map { ($0.name, $0.testAddress) }
        for (label, address) in nodes {
            let admin = try connect(label, at: address, database: "postgres")
            defer { admin.close() }
            try admin.execute("DROP DATABASE IF EXISTS \(SQLIdentifier.quote(configuration.database)) WITH (FORCE)")
            try admin.execute("CREATE DATABASE \(SQLIdentifier.quote(configuration.database))")
            if citus && label != "coordinator" {
                // Citus needs the extension in a worker's database before the coordinator registers it.
                let node = try connect(label, at: address)
                defer { node.close() }
                try node.execute("SET client_min_messages = warning; CREATE EXTENSION citus")
            }
        }
        try run("setup/00_create_base_table.sql")
        try run("setup/01_initial_seed_data.sql")
        let data = try loadSeedData(seed: seed, scale: scale)
        let baseline = Baseline(seed: seed, scale: scale, checksums: try checksums(),
                                demoResults: try demoResults(tenant: data.heaviestUser.id), schema: try schemaSignature())
        try record(baseline)
        return (baseline, data)
    }

    /// Generates the rows for the regions in the database and loads them with COPY.
    public func loadSeedData(seed: UInt64, scale: Int) throws -> SeedData {
        let regions = try sqlRows("SELECT code FROM regions ORDER BY code").map { try $0.get("code", as: String.self) }
        let data = SeedData(seed: seed, scale: scale, regionCodes: regions)
        try data.load(into: coordinator)
        try coordinator.execute("ANALYZE")
        return data
    }

    /// The rows the baseline was generated from, regenerated from its seed.
    public func seedData(for baseline: Baseline) throws -> SeedData {
        let regions = try sqlRows("SELECT code FROM regions ORDER BY code").map { try $0.get("code", as: String.self) }
        return SeedData(seed: baseline.seed, scale: baseline.scale, regionCodes: regions)
    }

    /// Brings the cluster to `stage`, rebuilding from a fresh baseline when it is anywhere else, so
    /// a phase run alone starts where the full run would have left it.
    @discardableResult
    public func ensure(_ stage: LifecycleStage) throws -> Baseline {
        if try recordedStage() == stage, let baseline = try recordedBaseline(),
           baseline.seed == configuration.seed, baseline.scale == configuration.scale {
            return baseline
        }
        let (baseline, _) = try resetToBaseline()
        if stage >= .distributed { try distribute() }
        if stage >= .resharded { try reshard() }
        if stage >= .undistributed { try undistribute() }
        return baseline
    }
}
