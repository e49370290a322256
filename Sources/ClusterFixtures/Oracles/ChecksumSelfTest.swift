/// The checksum oracle tested on itself: on a scratch copy of (a sample of) each lifecycle table, one value of
/// every column is changed (the columns come from the catalog, so a column added later is
/// included), a row is added, one deleted and one duplicated, each on its own; every change must
/// move the checksum. A checksum that skips a column, or counts rows only, fails here.
public enum ChecksumSelfTest {
    public struct Report: Sendable {
        /// Planted changes the checksum saw.
        public var seen = 0
        /// Planted changes it did not see, as `orders.metadata` or `users: duplicated row`.
        public var unseen: [String] = []
    }

    /// Rows copied from each table: whether one changed row moves the checksum does not depend on
    /// how many others there are, and a copy of the whole table made the self-test cost 136 s at
    /// scale 100 (each planted change re-hashes the copy).
    public static let sampleRows = 1_000

    /// Runs on `connection` (the coordinator, while the tables are plain); leaves nothing behind.
    public static func run(on connection: Connection, tables: [String] = Cluster.tables) throws -> Report {
        var report = Report()
        for table in tables {
            let probe = "pg_temp.checksum_probe"
            try connection.execute(
                """
                DROP TABLE IF EXISTS \(probe); CREATE TEMP TABLE checksum_probe AS SELECT * FROM \
                \(SQLIdentifier.quote(table)) LIMIT \(sampleRows)
                """
            )
            defer { _ = try? connection.execute("DROP TABLE IF EXISTS \(probe)") }
            let original = try TableChecksum.compute(table, from: probe, on: connection)
            let columns = try connection.query(
                """
                SELECT attname::text AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
                WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum
                """, [probe]
            ).rows.map { (name: try $0.get("name", as: String.self), type: try $0.get("type", as: String.self)) }
            let oneRow = "ctid = (SELECT min(ctid) FROM \(probe))"
            var changes: [(String, String)] = columns.map { column in
                (
                    "\(table).\(column.name)",
                    """
                    UPDATE \(probe) SET \(SQLIdentifier.quote(column.name)) = \
                    \(changed(column.name, type: column.type)) WHERE \(oneRow)
                    """
                )
            }
            let first = columns[0]
            changes += [
                (
                    "\(table): added row",
                    "INSERT INTO \(probe) SELECT * FROM \(probe) WHERE \(oneRow); "
                        + "UPDATE \(probe) SET \(SQLIdentifier.quote(first.name)) = "
                        + "\(changed(first.name, type: first.type)) "
                        + "WHERE ctid = (SELECT max(ctid) FROM \(probe))"
                ),
                ("\(table): deleted row", "DELETE FROM \(probe) WHERE \(oneRow)"),
                ("\(table): duplicated row", "INSERT INTO \(probe) SELECT * FROM \(probe) WHERE \(oneRow)"),
            ]
            for (name, change) in changes {
                try connection.execute("BEGIN")
                defer { _ = try? connection.execute("ROLLBACK") }
                try connection.execute(change)
                if try TableChecksum.compute(table, from: probe, on: connection) == original {
                    report.unseen.append(name)
                } else {
                    report.seen += 1
                }
            }
        }
        return report
    }

    /// An expression giving `column` another value of its type.
    static func changed(_ column: String, type: String) -> String {
        let c = SQLIdentifier.quote(column)
        switch type {
        case "integer", "bigint", "smallint": return "\(c) + 1"
        case _ where type.hasPrefix("numeric"): return "\(c) + 1"
        case _ where type.hasPrefix("timestamp"): return "\(c) + interval '1 second'"
        case "jsonb": return "\(c) || '{\"checksum_probe\": 1}'"
        default: return "CASE WHEN \(c)::text = 'x' THEN 'y' ELSE 'x' END"
        }
    }
}
