import Foundation

/// What Phase 1 left, kept on the coordinator (schema `verify`) so that every later phase, run in
/// the same process or alone, compares against the same reference: the seed (from which the rows
/// can be regenerated), each table's checksum, the demo queries' results and the schema.
public struct Baseline: Sendable {
    public var seed: UInt64
    public var scale: Int
    public var checksums: [TableChecksum]
    /// One entry per row-returning, non-EXPLAIN statement of the demo query files.
    public var demoResults: [DemoResult]
    /// Columns, constraints and indexes of the lifecycle's tables, one line each.
    public var schema: [String]

    public func checksum(of table: String) -> TableChecksum? { checksums.first { $0.table == table } }
}

/// A demo query's result, flattened to text so it can be stored and compared exactly.
public struct DemoResult: Sendable, Equatable, CustomStringConvertible {
    /// `sql/queries/21_cross_shard_query.sql:4`
    public var location: String
    public var rows: [String]

    public var description: String { "\(location): \(rows.count) rows" }
}

extension Cluster {
    /// The demo query files whose results must not change across the lifecycle.
    public static let demoQueryFiles = DemoQuery.allCases.map(\.file)

    /// Runs the demo query files and returns each result-returning statement's rows (EXPLAIN output,
    /// which differs by design between plain and distributed tables, is left out).
    public func demoResults(tenant: Int) throws -> [DemoResult] {
        var results: [DemoResult] = []
        for file in Self.demoQueryFiles {
            let script = try SQLScript(contentsOf: ProjectLayout.sqlFile(file),
                                       variables: sqlVariables.merging(["tenant_id": String(tenant)]) { $1 })
            let outputs = try coordinator.run(script)
            for (statement, output) in zip(script.statements, outputs)
            where !statement.text.uppercased().hasPrefix("EXPLAIN") && !output.columns.isEmpty {
                results.append(DemoResult(location: script.location(of: statement),
                                          rows: output.rows.map { $0.values.map { $0 ?? "NULL" }.joined(separator: "|") }))
            }
        }
        return results
    }

    /// The schema of the lifecycle's tables as comparable lines.
    public func schemaSignature() throws -> [String] {
        let columns = try sqlRows("""
            SELECT table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable
                   || ' default=' || coalesce(column_default, '-') AS line
            FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = ANY($1::text[])
            ORDER BY 1
            """, [Self.tables])
        let constraints = try sqlRows("""
            SELECT conrelid::regclass::text || ' constraint ' || conname || ' ' || pg_get_constraintdef(oid) AS line
            FROM pg_constraint
            WHERE conrelid = ANY (SELECT ('public.' || t)::regclass FROM unnest($1::text[]) t)
            ORDER BY 1
            """, [Self.tables])
        let indexes = try sqlRows("""
            SELECT tablename || ' index ' || indexdef AS line
            FROM pg_indexes
            WHERE schemaname = 'public' AND tablename = ANY($1::text[])
            ORDER BY 1
            """, [Self.tables])
        return try (columns + constraints + indexes).map { try $0.get("line") }
    }


    // MARK: Storage in schema verify

    func record(_ baseline: Baseline) throws {
        let c = try coordinator
        try c.execute("""
            CREATE SCHEMA verify;
            CREATE TABLE verify.lifecycle (stage text NOT NULL, seed bigint NOT NULL, scale int NOT NULL, changed_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE verify.baseline_checksum (table_name text PRIMARY KEY, row_count bigint NOT NULL, digest text NOT NULL);
            CREATE TABLE verify.baseline_result (position int PRIMARY KEY, location text NOT NULL, rows text[] NOT NULL);
            CREATE TABLE verify.baseline_schema (position int PRIMARY KEY, line text NOT NULL);
            """)
        try c.query("INSERT INTO verify.lifecycle (stage, seed, scale) VALUES ($1, $2, $3)",
                    [LifecycleStage.baseline.rawValue, String(Int64(bitPattern: baseline.seed)), baseline.scale])
        for checksum in baseline.checksums {
            try c.query("INSERT INTO verify.baseline_checksum VALUES ($1, $2, $3)", [checksum.table, checksum.rowCount, checksum.digest])
        }
        for (position, result) in baseline.demoResults.enumerated() {
            try c.query("INSERT INTO verify.baseline_result VALUES ($1, $2, $3::text[])",
                        [position, result.location, result.rows])
        }
        for (position, line) in baseline.schema.enumerated() {
            try c.query("INSERT INTO verify.baseline_schema VALUES ($1, $2)", [position, line])
        }
    }

    /// The recorded baseline, or nil when there is none (or it is unreadable).
    public func recordedBaseline() throws -> Baseline? {
        guard try sqlValue("SELECT to_regclass('verify.lifecycle') IS NOT NULL", as: Bool.self) else { return nil }
        let state = try sqlRow("SELECT seed, scale FROM verify.lifecycle")
        let checksums = try sqlRows("SELECT table_name, row_count, digest FROM verify.baseline_checksum ORDER BY table_name").map {
            TableChecksum(table: try $0.get("table_name"), rowCount: try $0.get("row_count"), digest: try $0.get("digest"))
        }
        let results = try sqlRows("SELECT location, array_to_json(rows)::text AS rows FROM verify.baseline_result ORDER BY position").map {
            DemoResult(location: try $0.get("location"), rows: try Self.decodeJSONArray(try $0.get("rows")))
        }
        let schema = try sqlRows("SELECT line FROM verify.baseline_schema ORDER BY position").map { try $0.get("line", as: String.self) }
        return Baseline(seed: UInt64(bitPattern: try state.get("seed", as: Int64.self)), scale: try state.get("scale"),
                        checksums: Self.tables.compactMap { table in checksums.first { $0.table == table } },
                        demoResults: results, schema: schema)
    }

    /// The stage recorded on the coordinator; nil when there is no record (a fresh or foreign database).
    public func recordedStage() throws -> LifecycleStage? {
        try recordedStageText().flatMap(LifecycleStage.init(rawValue:))
    }

    /// What `verify.lifecycle` says, `changing to …` included; nil when there is no record.
    func recordedStageText() throws -> String? {
        guard try sqlValue("SELECT to_regclass('verify.lifecycle') IS NOT NULL", as: Bool.self) else { return nil }
        return try sqlValue("SELECT stage FROM verify.lifecycle")
    }

    func recordStage(_ stage: LifecycleStage) throws {
        try coordinator.query("UPDATE verify.lifecycle SET stage = $1, changed_at = now()", [stage.rawValue])
    }

    /// Marks the cluster as between stages before an operation starts: if the operation fails
    /// half-way, the next phase finds no known stage and rebuilds instead of trusting the old one.
    func recordStageChanging(to stage: LifecycleStage) throws {
        try coordinator.query("UPDATE verify.lifecycle SET stage = $1, changed_at = now()", ["changing to " + stage.rawValue])
    }

    static func decodeJSONArray(_ json: String) throws -> [String] {
        guard let data = json.data(using: .utf8),
              let array = try JSONSerialization.jsonObject(with: data) as? [String] else {
            throw DatabaseError(node: "coordinator", message: "verify.baseline_result holds an unreadable row list")
        }
        return array
    }
}
