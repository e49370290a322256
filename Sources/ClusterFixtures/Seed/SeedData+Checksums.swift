import Foundation
import Synchronization

/// The checksums the lifecycle's tables must have, computed from the generated rows in Swift: the
/// same canonical row text and md5 slices as `TableChecksum`'s query (see there), so comparing the
/// two judges the database against the seed, not against an earlier state of itself.
extension SeedData {
    /// One checksum per table, in `Cluster.tables` order. The rows are hashed in slices on every
    /// core (the digest is a sum, so slices add up): 3 million rows at scale 100.
    public var expectedChecksums: [TableChecksum] {
        expectedRows.map { Self.checksum($0.name, count: $0.count, fields: $0.fields) }
    }

    /// Every table's generated rows as the checksum renders them: how many, and each row's column
    /// texts by index (the first is the table's key: code, or id).
    var expectedRows: [(name: String, count: Int, fields: @Sendable (Int) -> [String])] {
        let users = users
        let orders = orders
        let items = items
        return [
            (
                "regions", Self.regions.count,
                { i in
                    let r = Self.regions[i]
                    return [r.code, r.name, r.timezone, r.currency]
                }
            ),
            (
                "users", users.count,
                { i in
                    let u = users[i]
                    return [String(u.id), u.email, u.name, u.regionCode, u.tier, String(u.createdAt)]
                }
            ),
            ("orders", orders.count, { i in Self.checksumFields(of: orders[i]) }),
            ("order_items", items.count, { i in Self.checksumFields(of: items[i]) }),
        ]
    }

    /// Which rows of `table` differ from the generated ones, by key (its first column): the rows
    /// missing, the rows no generator made, the rows whose columns differ, each list sorted and cut
    /// at `limit`. What a checksum mismatch cannot say: where it is.
    public func rowDifferences(of table: String, found: [String: String], limit: Int = 20)
        -> (missing: [String], extra: [String], changed: [String])
    {
        guard let rows = expectedRows.first(where: { $0.name == table }) else { return ([], found.keys.sorted(), []) }
        var expected: [String: String] = [:]
        for index in 0..<rows.count {
            let fields = rows.fields(index)
            expected[fields[0]] = fields.joined(separator: "|")
        }
        let missing = expected.keys.filter { found[$0] == nil }.sorted()
        let extra = found.keys.filter { expected[$0] == nil }.sorted()
        let changed = expected.compactMap { key, text -> String? in
            guard let now = found[key], now != text else { return nil }
            return "\(key): expected \(text), found \(now)"
        }.sorted()
        return (Array(missing.prefix(limit)), Array(extra.prefix(limit)), Array(changed.prefix(limit)))
    }

    /// An order's columns as the checksum renders them (timestamps as epoch seconds).
    static func checksumFields(of o: Order) -> [String] {
        [
            String(o.id), String(o.userID), o.region, String(o.productID), String(o.quantity),
            money(o.amountCents), o.status, metadata(o), String(o.createdAt), String(o.updatedAt),
        ]
    }

    static func checksumFields(of t: Item) -> [String] {
        [String(t.id), String(t.userID), String(t.orderID), t.productName, String(t.quantity), money(t.unitPriceCents)]
    }

    /// The checksum of `count` rows whose columns' texts (in `TableChecksum.columns` order) `fields`
    /// gives by row index, hashed in slices at once.
    static func checksum(_ table: String, count: Int, fields: @Sendable (Int) -> [String]) -> TableChecksum {
        let slices = count < 10_000 ? 1 : ProcessInfo.processInfo.activeProcessorCount * 2
        let sums = Mutex<DigestSum>(DigestSum())
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            var digest = DigestSum()
            for row in (count * slice / slices)..<(count * (slice + 1) / slices) {
                digest.add(fields(row).joined(separator: "|"))
            }
            sums.withLock { $0.merge(digest) }
        }
        return TableChecksum(table: table, rowCount: count, digest: sums.withLock { $0.text })
    }

    /// The checksum of rows given as their columns' texts, in `TableChecksum.columns` order.
    static func checksum<Rows: Sequence>(_ table: String, _ rows: Rows) -> TableChecksum
    where Rows.Element == [String] {
        var digest = DigestSum()
        var count = 0
        for row in rows {
            digest.add(row.joined(separator: "|"))
            count += 1
        }
        return TableChecksum(table: table, rowCount: count, digest: digest.text)
    }
}

/// The sum `TableChecksum`'s query computes: the first 64 bits of each row's md5 as a signed
/// (two's complement) bigint, summed exactly (PostgreSQL sums bigints as numeric; 128 bits hold the
/// sum of ten million rows here).
struct DigestSum {
    private var sum: Int128 = 0

    mutating func add(_ text: String) {
        let bytes = Digest.of(Array(text.utf8), .md5)
        var first: UInt64 = 0
        for byte in bytes.prefix(8) { first = first << 8 | UInt64(byte) }
        sum += Int128(Int64(bitPattern: first))
    }

    /// Adds the sum of another slice of rows.
    mutating func merge(_ other: DigestSum) { sum += other.sum }

    var text: String { "\(sum)" }
}

extension Cluster {
    /// Each row of `table` as the checksum renders it, by key (its first checksum column).
    public func renderedRows(of table: String) throws -> [String: String] {
        guard let key = TableChecksum.columns[table]?.first?.name else { return [:] }
        let rows = try coordinator.rows(
            """
            SELECT t.\(SQLIdentifier.quote(key))::text AS key, \(try TableChecksum.rowText(for: table)) AS row \
            FROM \(SQLIdentifier.quote(table)) AS t
            """
        )
        var found: [String: String] = [:]
        for row in rows { found[try row.get("key", as: String.self)] = try row.get("row", as: String.self) }
        return found
    }

    /// The tables whose checksum differs from `data`'s, each with its rows missing, extra and
    /// changed (at most 20 of each): empty when every table equals the generated rows.
    public func tableDifferences(from data: SeedData) throws -> [String] {
        let now = try checksums()
        let expected = data.expectedChecksums
        return try expected.compactMap { want -> String? in
            guard now.first(where: { $0.table == want.table }) != want else { return nil }
            let d = data.rowDifferences(of: want.table, found: try renderedRows(of: want.table))
            return "\(want.table): missing \(d.missing), extra \(d.extra), changed \(d.changed)"
        }
    }
}
