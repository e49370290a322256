/// An order-independent fingerprint of a table's whole contents, computed in the database.
///
/// Every row is rendered as one canonical text (each column's text, `\N` for NULL, joined by `|`;
/// timestamps as whole seconds since the epoch, so the session's time zone cannot change it) and
/// hashed with md5; the first 64 bits of every hash, read as a signed bigint, are summed exactly
/// (PostgreSQL sums bigints as numeric), so the result does not depend on row order or on which
/// node a row lives on, and Citus pushes the sums down to the shards. A changed, added or removed
/// row goes unseen only if its 64 bits cancel out: a chance of 2^-64. (Two 60-bit slices summed
/// cost twice as much, 2.4 s against 1.2 s for the million orders of scale 100, and the checksum
/// runs after every step of the lifecycle.) The same
/// canonical text is built in Swift from the generated rows (`SeedData.expectedChecksums`), so the
/// expected fingerprint comes from the seed, never from the database.
///
/// The columns are listed here, per table; `compute` refuses a table whose columns differ from the
/// list, so a column added to the schema cannot slip past the checksum unseen.
public struct TableChecksum: Sendable, Equatable, CustomStringConvertible {
    public var table: String
    public var rowCount: Int
    public var digest: String

    public init(table: String, rowCount: Int, digest: String) {
        self.table = table
        self.rowCount = rowCount
        self.digest = digest
    }

    public var description: String { "\(table): \(rowCount) rows, digest \(digest)" }

    /// How a column enters the canonical row text.
    public enum Rendering: Sendable {
        /// The column's own text form (`::text`).
        case text
        /// A timestamp as whole seconds since the Unix epoch.
        case epochSeconds
    }

    /// Every column of every lifecycle table, in table order, with how it is rendered.
    public static let columns: [String: [(name: String, rendering: Rendering)]] = [
        "regions": [("code", .text), ("name", .text), ("timezone", .text), ("currency", .text)],
        "users": [
            ("id", .text), ("email", .text), ("name", .text), ("region_code", .text), ("tier", .text),
            ("created_at", .epochSeconds),
        ],
        "orders": [
            ("id", .text), ("user_id", .text), ("region", .text), ("product_id", .text), ("quantity", .text),
            ("amount", .text), ("status", .text), ("metadata", .text), ("created_at", .epochSeconds),
            ("updated_at", .epochSeconds),
        ],
        "order_items": [
            ("id", .text), ("user_id", .text), ("order_id", .text), ("product_name", .text),
            ("quantity", .text), ("unit_price", .text),
        ],
    ]

    /// The canonical row text of `table`'s rows as an SQL expression over the alias `t`.
    static func rowText(for table: String) throws -> String {
        guard let columns = columns[table] else {
            throw ChecksumCoverageError(table: table, missing: [], extra: [], unknownTable: true)
        }
        let parts = columns.map { column -> String in
            let quoted = "t." + SQLIdentifier.quote(column.name)
            switch column.rendering {
            case .text: return "coalesce(\(quoted)::text, '\\N')"
            case .epochSeconds: return "coalesce(extract(epoch FROM \(quoted))::bigint::text, '\\N')"
            }
        }
        return "concat_ws('|', " + parts.joined(separator: ", ") + ")"
    }

    /// The checksum query for `table`, read from `relation` (the table itself, or a copy of it).
    public static func sql(for table: String, from relation: String? = nil) throws -> String {
        """
        SELECT count(*) AS row_count, coalesce(sum(('x' || left(h, 16))::bit(64)::bigint), 0)::text AS digest
        FROM (SELECT md5(\(try rowText(for: table))) AS h FROM \(relation ?? SQLIdentifier.quote(table)) AS t) AS hashed
        """
    }

    /// How the columns a relation has (`actual`) differ from those the checksum of `table` lists;
    /// nil when they are the same. A table with no list at all is said to be unknown.
    static func coverageError(_ table: String, columns actual: [String]) -> ChecksumCoverageError? {
        let listed = (columns[table] ?? []).map(\.name)
        guard Set(actual) != Set(listed) else { return nil }
        return ChecksumCoverageError(
            table: table, missing: Set(actual).subtracting(listed).sorted(),
            extra: Set(listed).subtracting(actual).sorted(), unknownTable: columns[table] == nil)
    }

    /// The checksum of `table` (or of `relation`, a copy with the same columns). Throws
    /// `ChecksumCoverageError` when the relation's columns are not exactly the listed ones.
    public static func compute(_ table: String, from relation: String? = nil, on connection: Connection) throws
        -> TableChecksum
    {
        let source = relation ?? SQLIdentifier.quote(table)
        let actual = try connection.query(
            """
            SELECT attname::text AS name FROM pg_attribute
            WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
            """, [source]
        ).rows.map { try $0.get("name", as: String.self) }
        if let uncovered = coverageError(table, columns: actual) { throw uncovered }
        let result = try connection.query(try sql(for: table, from: source))
        guard let row = result.rows.first else {
            throw DatabaseError(node: connection.node, message: "the checksum of \(table) returned no row")
        }
        return TableChecksum(table: table, rowCount: try row.get("row_count"), digest: try row.get("digest"))
    }
}

/// The checksum's column list and a table's columns differ: a column would go unchecked.
public struct ChecksumCoverageError: Error, Equatable, CustomStringConvertible {
    public var table: String
    /// Columns the table has and the checksum does not cover.
    public var missing: [String]
    /// Columns the checksum lists and the table lacks.
    public var extra: [String]
    public var unknownTable = false

    public var description: String {
        if unknownTable { return "TableChecksum.columns has no entry for table \(table): list its columns there" }
        return "the checksum of \(table) does not cover the table's columns exactly"
            + (missing.isEmpty ? "" : "; not covered: \(missing.joined(separator: ", "))")
            + (extra.isEmpty ? "" : "; listed but absent: \(extra.joined(separator: ", "))")
            + " (TableChecksum.columns)"
    }
}
