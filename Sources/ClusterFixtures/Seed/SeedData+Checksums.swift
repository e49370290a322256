import Crypto
import Foundation
import Synchronization

/// The checksums the lifecycle's tables must have, computed from the generated rows in Swift: the
/// same canonical row text and md5 slices as `TableChecksum`'s query (see there), so comparing the
/// two judges the database against the seed, not against an earlier state of itself.
extension SeedData {
    /// One checksum per table, in `Cluster.tables` order. The rows are hashed in slices on every
    /// core (the digest is a sum, so slices add up): 3 million rows at scale 100.
    public var expectedChecksums: [TableChecksum] {
        let users = users, orders = orders, items = items
        let tables: [(name: String, count: Int, fields: @Sendable (Int) -> [String])] = [
            ("regions", Self.regions.count, { i in let r = Self.regions[i]; return [r.code, r.name, r.timezone, r.currency] }),
            ("users", users.count, { i in let u = users[i]
                return [String(u.id), u.email, u.name, u.regionCode, u.tier, String(u.createdAt)] }),
            ("orders", orders.count, { i in Self.checksumFields(of: orders[i]) }),
            ("order_items", items.count, { i in Self.checksumFields(of: items[i]) }),
        ]
        return tables.map { Self.checksum($0.name, count: $0.count, fields: $0.fields) }
    }

    /// An order's columns as the checksum renders them (timestamps as epoch seconds).
    static func checksumFields(of o: Order) -> [String] {
        [String(o.id), String(o.userID), o.region, String(o.productID), String(o.quantity),
         money(o.amountCents), o.status, metadata(o), String(o.createdAt), String(o.updatedAt)]
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
    static func checksum<Rows: Sequence>(_ table: String, _ rows: Rows) -> TableChecksum where Rows.Element == [String] {
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
        let bytes = Insecure.MD5.hash(data: Array(text.utf8))
        var first: UInt64 = 0
        for byte in bytes.prefix(8) { first = first << 8 | UInt64(byte) }
        sum += Int128(Int64(bitPattern: first))
    }

    /// Adds the sum of another slice of rows.
    mutating func merge(_ other: DigestSum) { sum += other.sum }

    var text: String { "\(sum)" }
}
