/// An order-independent fingerprint of a table's whole contents, computed in the database.
///
/// Each row's text form is hashed with md5; two 60-bit slices of every hash are summed, so the
/// result does not depend on row order or on which node a row lives on, and Citus can push the
/// sums down to the shards. One changed column in one row changes the fingerprint; a lost or
/// duplicated row changes the count as well.
public struct TableChecksum: Sendable, Equatable, CustomStringConvertible {
    public var table: String
    public var rowCount: Int
    public var digest: String

    public var description: String { "\(table): \(rowCount) rows, digest \(digest)" }

    public static func sql(for table: String) -> String {
        """
        SELECT count(*) AS row_count,
               coalesce(sum(('x' || substr(h, 1, 15))::bit(60)::bigint), 0)::text
               || '-' || coalesce(sum(('x' || substr(h, 16, 15))::bit(60)::bigint), 0)::text AS digest
        FROM (SELECT md5(t::text) AS h FROM \(SQLIdentifier.quote(table)) AS t) AS hashed
        """
    }

    public static func compute(_ table: String, on connection: Connection) throws -> TableChecksum {
        let row = try connection.query(sql(for: table)).rows[0]
        return TableChecksum(table: table, rowCount: try row.get("row_count"), digest: try row.get("digest"))
    }
}
