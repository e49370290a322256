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
            ("orders", orders.count, { i in let o = orders[i]
                return [String(o.id), String(o.userID), o.region, String(o.productID), String(o.quantity),
                        Self.money(o.amountCents), o.status, Self.metadata(o), String(o.createdAt), String(o.updatedAt)] }),
            ("order_items", items.count, { i in let t = items[i]
                return [String(t.id), String(t.userID), String(t.orderID), t.productName, String(t.quantity),
                        Self.money(t.unitPriceCents)] }),
        ]
        return tables.map { Self.checksum($0.name, count: $0.count, fields: $0.fields) }
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

/// The two sums of 60-bit md5 slices that `TableChecksum`'s query computes: hex digits 1–15 and
/// 16–30 of each row's md5, summed without overflow (PostgreSQL sums bigints as numeric).
struct DigestSum {
    private var first: UInt128 = 0
    private var second: UInt128 = 0

    mutating func add(_ text: String) {
        let bytes = Array(Insecure.MD5.hash(data: Array(text.utf8)))
        var high: UInt64 = 0, low: UInt64 = 0
        // 15 hex digits are 7 bytes and the high half of the eighth; the next 15 are its low half
        // and bytes 9 to 15.
        for byte in bytes[0..<7] { high = high << 8 | UInt64(byte) }
        high = high << 4 | UInt64(bytes[7] >> 4)
        low = UInt64(bytes[7] & 0x0F)
        for byte in bytes[8..<15] { low = low << 8 | UInt64(byte) }
        first += UInt128(high)
        second += UInt128(low)
    }

    /// Adds the sums of another slice of rows.
    mutating func merge(_ other: DigestSum) {
        first += other.first
        second += other.second
    }

    var text: String { "\(first)-\(second)" }
}
