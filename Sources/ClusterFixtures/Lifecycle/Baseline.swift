import Foundation
import Synchronization

/// What every phase compares against, and where none of it comes from: the seed and scale are the
/// configuration's, the checksums are computed from the rows generated from them
/// (`SeedData.expectedChecksums`), the schema is `BaselineSchema`. The coordinator keeps only the
/// lifecycle's stage with the seed, scale and `ProjectFingerprint` it was built with (schema
/// `verify`), so a phase run alone knows whether the stage it starts from can be reused.
public struct Baseline: Sendable {
    /// The generated rows: the expectation for every table and every demo query.
    public let data: SeedData
    public var seed: UInt64 { data.seed }
    public var scale: Int { data.scale }
    public var checksums: [TableChecksum]
    /// Columns, constraints and indexes of the lifecycle's tables, one line each.
    public var schema: Set<String>

    /// The baseline of `data`: its checksums, and the schema written out in `BaselineSchema`.
    public init(_ data: SeedData) {
        self.data = data
        checksums = data.expectedChecksums
        schema = BaselineSchema.lines
    }

    public func checksum(of table: String) -> TableChecksum? { checksums.first { $0.table == table } }

    /// The baseline of `seed` and `scale`, generated once per process and then shared: every
    /// phase compares against the same rows, and at scale 100 generating them and their checksums
    /// again for each phase cost seconds and a second copy in memory. Only the latest is kept.
    public static func generated(seed: UInt64, scale: Int) -> Baseline {
        if let kept = latest.withLock({ $0 }), kept.seed == seed, kept.scale == scale { return kept }
        let made = Baseline(SeedData(seed: seed, scale: scale))
        latest.withLock { $0 = made }
        return made
    }

    private static let latest = Mutex<Baseline?>(nil)
}

extension Cluster {
    /// How the tables' schema differs from `expected` (default: the designed one), both sorted;
    /// both empty when it is the same. `expected` is written as PostgreSQL 15 prints it; for a newer
    /// server it is read the way that server records the same schema (`BaselineSchema.lines(_:serverVersionNum:)`).
    public func schemaDifferences(from expected: Set<String> = BaselineSchema.lines) throws -> (
        missing: [String], extra: [String]
    ) {
        let now = try schemaSignature()
        let expected = BaselineSchema.lines(expected, serverVersionNum: try serverVersionNum())
        return (expected.subtracting(now).sorted(), now.subtracting(expected).sorted())
    }

    /// The coordinator's `server_version_num` (150020 for 15.20, 180006 for 18.6).
    public func serverVersionNum() throws -> Int {
        try coordinator.value("SELECT current_setting('server_version_num')::int AS version", as: Int.self)
    }

    /// The schema of the lifecycle's tables as comparable lines.
    public func schemaSignature() throws -> Set<String> {
        let columns = try coordinator.rows(
            """
            SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                   || ' null=' || CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END
                   || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-') AS line
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = 'public' AND c.relname = ANY($1::text[]) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY 1
            """, [Self.tables])
        let constraints = try coordinator.rows(
            """
            SELECT conrelid::regclass::text || ' constraint ' || conname || ' ' || pg_get_constraintdef(oid) AS line
            FROM pg_constraint
            WHERE conrelid = ANY (SELECT ('public.' || t)::regclass FROM unnest($1::text[]) t)
            ORDER BY 1
            """, [Self.tables])
        let indexes = try coordinator.rows(
            """
            SELECT tablename || ' index ' || indexdef AS line
            FROM pg_indexes
            WHERE schemaname = 'public' AND tablename = ANY($1::text[])
            ORDER BY 1
            """, [Self.tables])
        // How each table is kept, beyond its columns: persistence (an UNLOGGED table loses its rows
        // in a crash), storage options, row security, and whether the suite's user owns it.
        let tables = try coordinator.rows(
            """
            SELECT c.relname || ' table persistence=' || c.relpersistence::text || ' kind=' || c.relkind::text
                   || ' options=' || coalesce(array_to_string(c.reloptions, ','), '-')
                   || ' rowsecurity=' || c.relrowsecurity
                   || ' owner=' || CASE WHEN pg_get_userbyid(c.relowner) = current_user
                                        THEN 'the suite''s user' ELSE pg_get_userbyid(c.relowner) END AS line
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relname = ANY($1::text[])
            ORDER BY 1
            """, [Self.tables])
        return Set(try (columns + constraints + indexes + tables).map { try $0.get("line", as: String.self) })
    }
}
