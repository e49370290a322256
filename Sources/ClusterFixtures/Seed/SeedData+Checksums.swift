import Crypto

/// The checksums the lifecycle's tables must have, computed from the generated rows in Swift: the
/// same canonical row text and md5 slices as `TableChecksum`'s query (see there), so comparing the
/// two judges the database against the seed, not against an earlier state of itself.
extension SeedData {
    /// One checksum per table, in `Cluster.tables` order.
    public var expectedChecksums: [TableChecksum] {
        [
            Self.checksum("regions", Self.regions.lazy.map { [$0.code, $0.name, $0.timezone, $0.currency] }),
            Self.checksum("users", users.lazy.map {
                [String($0.id), $0.email, $0.name, $0.regionCode, $0.tier, String($0.createdAt)]
            }),
            Self.checksum("orders", orders.lazy.map {
                [String($0.id), String($0.userID), $0.region, String($0.productID), String($0.quantity),
                 Self.money($0.amountCents), $0.status, Self.metadata($0), String($0.createdAt), String($0.updatedAt)]
            }),
            Self.checksum("order_items", items.lazy.map {
                [String($0.id), String($0.userID), String($0.orderID), $0.productName, String($0.quantity),
                 Self.money($0.unitPriceCents)]
            }),
        ]
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

    var text: String { "\(first)-\(second)" }
}
