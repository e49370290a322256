import Foundation

/// How the seed's rows get into the tables: the two make the same rows (Phase 1 and the tool's
/// tests prove both against the generator).
public enum SeedLoader: Sendable {
    /// `sql/setup/01_initial_seed_data.sql` generates them in the database: what the checklist
    /// describes, and what Phase 1 judges.
    case sqlFile
    /// The Swift generator's rows, loaded with parallel COPY streams: the fast path (`citus-verify setup`).
    case copy
}

extension Lifecycle {
    /// Every node's database dropped and created anew; on the coordinator the Phase 1 schema and
    /// seed data, and the baseline recorded. Only for a database that is the suite's own
    /// (`CITUS_VERIFY_RESET=allow`).
    @discardableResult
    public func resetToBaseline(seed: UInt64? = nil, scale: Int? = nil, loader: SeedLoader = .sqlFile) throws -> (
        Baseline, SeedData
    ) {
        let seed = seed ?? configuration.seed
        let scale = scale ?? configuration.scale
        try recreateDatabases()
        // The expectation is generated in Swift while the database makes or loads the rows (at
        // scale 100 the seed file takes most of a minute; the generator and its checksums ~10 s).
        let expectation = BlockingWork("baseline generator") { Baseline.generated(seed: seed, scale: scale) }
        switch loader {
        case .sqlFile:
            try runSeedFile(seed: seed, scale: scale, on: cluster.coordinator.connection)
        case .copy:
            try load(SeedGenerator(seed: seed, scale: scale))
        }
        let baseline = try expectation.value()
        try store.recordBaseline(seed: seed, scale: scale)
        return (baseline, baseline.data)
    }

    /// After `recreateDatabases`: the generator's rows loaded by COPY and the baseline recorded,
    /// without generating the rows into memory first: for scales whose rows would not fit (the
    /// scale benchmark at 1000). Returns the load's report.
    @discardableResult
    public func loadBaseline(_ generator: SeedGenerator, streams: Int? = nil) throws -> ParallelSeedLoad.Report {
        let report = try load(generator, streams: streams)
        try store.recordBaseline(seed: generator.seed, scale: generator.scale)
        return report
    }

    /// The suite's database dropped and created on every node, Citus in each worker's copy, the
    /// base tables on the coordinator.
    public func recreateDatabases() throws {
        guard configuration.allowsReset else {
            throw ConfigurationError(
                variable: "CITUS_VERIFY_RESET", problem: "does not allow rebuilding database \(configuration.database)",
                expected:
                    """
                    'allow' when that database, on every node, belongs to this suite alone (the suite drops and \
                    recreates it)
                    """
            )
        }
        // Asked of this cluster, not the configured one: the lifecycle also runs on clusters of
        // their own (Phase 5's), which must not depend on whether the configured one is up.
        let citus = try CitusAvailability.reason(on: cluster) == nil
        // A move cancelled half-way in an earlier run can leave Citus's subscription or slot in the
        // database, and PostgreSQL then refuses to drop it: drop those first (the database is the
        // suite's own, as checked above).
        if citus { _ = try? cluster.dropLeftoverReplication() }
        cluster.disconnectAll()
        // A prepared transaction a killed node kept (a fault scenario's two-phase write that no
        // recovery has committed yet) holds the database: PostgreSQL refuses to drop it. The
        // database goes, so its prepared transactions are rolled back first, in that database.
        for node in cluster.nodes {
            guard let connection = try? cluster.connect(node.name, at: node.address) else { continue }
            defer { connection.close() }
            for gid
                in (try? connection.query("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()").rows)
                ?? []
            {
                try connection.execute(
                    "ROLLBACK PREPARED \(SQLIdentifier.quoteLiteral(try gid.get("gid", as: String.self)))")
            }
        }
        // Every node's database at once: each is that node's own work (on a loaded machine,
        // CREATE EXTENSION citus alone takes a few hundred milliseconds per worker).
        let database = configuration.database
        let rebuilds = cluster.nodes.map { node in
            BlockingWork("recreate \(database) on \(node.name)") { [cluster] in
                let admin = try cluster.connect(node.name, at: node.address, database: "postgres")
                defer { admin.close() }
                try admin.dropDatabase(database)
                try admin.execute("CREATE DATABASE \(SQLIdentifier.quote(database))")
                if citus && node.name != "coordinator" {
                    // Citus needs the extension in a worker's database before the coordinator
                    // registers it; on a connection of its own, so the session setting goes with it.
                    let fresh = try cluster.connect(node.name, at: node.address)
                    defer { fresh.close() }
                    try fresh.execute("SET client_min_messages = warning; CREATE EXTENSION citus")
                }
            }
        }
        // Every one waited for (each is bounded by its connection's reply deadline), then the
        // first failure in node order thrown (the coordinator's before the workers').
        let outcomes = rebuilds.map { $0.wait()! }
        for outcome in outcomes { try outcome.get() }
        try cluster.run(.createBaseTables)
    }

    /// Runs `setup/01_initial_seed_data.sql` on `connection` with `seed` and `scale` as its
    /// session settings (what `PGOPTIONS='-c citus_verify.seed=…'` does under psql).
    public func runSeedFile(seed: UInt64, scale: Int, on connection: Connection) throws {
        try connection.query(
            "SELECT set_config('citus_verify.seed', $1, false), set_config('citus_verify.scale', $2, false)",
            [String(seed), String(scale)])
        defer { _ = try? connection.execute("RESET citus_verify.seed; RESET citus_verify.scale") }
        try cluster.run(.seedData, on: connection)
    }

    /// Loads the generator's rows into the (empty) base tables with parallel COPY streams.
    @discardableResult
    public func load(_ generator: SeedGenerator, streams: Int? = nil) throws -> ParallelSeedLoad.Report {
        try ParallelSeedLoad(streams: streams).load(generator, into: cluster)
    }

    /// Brings the cluster to `stage`, rebuilding from a fresh baseline when it is anywhere else, so
    /// a phase run alone starts where the full run would have left it.
    @discardableResult
    public func ensure(_ stage: LifecycleStage) throws -> Baseline {
        // Reused only when built from the configured seed and scale by the same steps and checks.
        if let record = try store.recordedLifecycle(), record.stage == stage.rawValue,
            record.seed == configuration.seed, record.scale == configuration.scale,
            record.fingerprint == ProjectFingerprint.of(stage)
        {
            return Baseline.generated(seed: record.seed, scale: record.scale)
        }
        let (baseline, _) = try resetToBaseline()
        if stage >= .distributed { try distribute() }
        if stage >= .resharded { try reshard() }
        if stage >= .undistributed { try undistribute() }
        return baseline
    }
}
