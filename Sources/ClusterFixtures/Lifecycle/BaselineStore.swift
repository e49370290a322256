import Foundation

/// Where the suite keeps, on the coordinator, what it built: the lifecycle stage, the seed and
/// scale the baseline was generated from, and the fingerprint of the project files that built it
/// (`verify.lifecycle`). Only these: every expectation is computed again from the seed.
public struct BaselineStore: Sendable {
    public let cluster: Cluster
    public init(_ cluster: Cluster) { self.cluster = cluster }

    /// Records a fresh baseline stage built from `seed` and `scale` by the current project files.
    func recordBaseline(seed: UInt64, scale: Int) throws {
        let c = cluster.coordinator
        try c.execute(
            """
            CREATE SCHEMA verify;
            CREATE TABLE verify.lifecycle (stage text NOT NULL, seed bigint NOT NULL, scale int NOT NULL,
                                           fingerprint text NOT NULL, changed_at timestamptz NOT NULL DEFAULT now());
            """)
        try c.execute(
            "INSERT INTO verify.lifecycle (stage, seed, scale, fingerprint) VALUES ($1, $2, $3, $4)",
            [
                LifecycleStage.baseline.rawValue, String(Int64(bitPattern: seed)), scale,
                ProjectFingerprint.of(.baseline),
            ])
    }

    /// The stage the coordinator records, with the seed, scale and fingerprint it was built with;
    /// nil when there is no record (a fresh or foreign database) or it is of an older layout.
    public func recordedLifecycle() throws -> (stage: String, seed: UInt64, scale: Int, fingerprint: String)? {
        do {
            return try readRecord()
        } catch {
            // A suite database that does not exist yet (the first run on a user's cluster, whichever
            // suite comes first) holds no record: the caller builds the stage from scratch.
            if try !suiteDatabaseExists() { return nil }
            throw error
        }
    }

    /// Whether the suite database exists on the coordinator, asked in its `postgres` database.
    private func suiteDatabaseExists() throws -> Bool {
        let admin = try cluster.connect(database: "postgres")
        defer { admin.close() }
        return try admin.databaseExists(cluster.configuration.database)
    }

    private func readRecord() throws -> (stage: String, seed: UInt64, scale: Int, fingerprint: String)? {
        guard try cluster.coordinator.value("SELECT to_regclass('verify.lifecycle') IS NOT NULL", as: Bool.self),
            try cluster.coordinator.value(
                """
                SELECT count(*) FROM pg_attribute WHERE attrelid = 'verify.lifecycle'::regclass AND attname = \
                'fingerprint'
                """,
                as: Int.self) == 1
        else { return nil }
        let row = try cluster.coordinator.row("SELECT stage, seed, scale, fingerprint FROM verify.lifecycle")
        return (
            try row.get("stage"), UInt64(bitPattern: try row.get("seed", as: Int64.self)), try row.get("scale"),
            try row.get("fingerprint")
        )
    }

    /// The baseline of the recorded lifecycle: its seed and scale, everything else computed from them.
    public func recordedBaseline() throws -> Baseline? {
        guard let record = try recordedLifecycle() else { return nil }
        return Baseline(SeedData(seed: record.seed, scale: record.scale))
    }

    /// The stage recorded on the coordinator; nil when there is no record (a fresh or foreign database).
    public func recordedStage() throws -> LifecycleStage? {
        try recordedStageText().flatMap(LifecycleStage.init(rawValue:))
    }

    /// What `verify.lifecycle` says, `changing to …` included; nil when there is no record.
    func recordedStageText() throws -> String? {
        try recordedLifecycle()?.stage
    }

    func recordStage(_ stage: LifecycleStage) throws {
        try cluster.coordinator.execute(
            "UPDATE verify.lifecycle SET stage = $1, fingerprint = $2, changed_at = now()",
            [stage.rawValue, ProjectFingerprint.of(stage)])
    }

    /// Marks the cluster as between stages before an operation starts: if the operation fails
    /// half-way, the next phase finds no known stage and rebuilds instead of trusting the old one.
    func recordStageChanging(to stage: LifecycleStage) throws {
        try cluster.coordinator.execute(
            "UPDATE verify.lifecycle SET stage = $1, changed_at = now()", ["changing to " + stage.rawValue])
    }
}
