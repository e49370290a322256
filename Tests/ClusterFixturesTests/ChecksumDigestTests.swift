@testable import ClusterFixtures
import ClusterTesting
import Testing

@Suite("The seed's checksums are computed in Swift exactly as the database computes them")
struct ChecksumDigestTests {
    @Test("Two 60-bit slices of md5: md5('a') = 0cc175b9c0f1b6a831c399e269772661, as PostgreSQL's substr/bit(60) reads it")
    func slices() {
        let sum = SeedData.checksum("t", [["a"]])
        #expect(sum.rowCount == 1)
        #expect(sum.digest == "\(UInt64("0cc175b9c0f1b6a", radix: 16)!)-\(UInt64("831c399e2697726", radix: 16)!)")
    }

    @Test("Columns are joined with | in the listed order, and sums do not overflow 64 bits")
    func joinedAndWide() {
        let one = SeedData.checksum("t", [["a", "b"]])
        #expect(one == SeedData.checksum("t", [["a|b"]]))
        #expect(one != SeedData.checksum("t", [["b", "a"]]))
        let many = SeedData.checksum("t", (0..<5000).lazy.map { [String($0)] })
        let high = many.digest.split(separator: "-").map { UInt128($0)! }
        #expect(high.allSatisfy { $0 > UInt128(UInt64.max) / 1000 }, "sums of 5000 60-bit values exceed 2^64 / 1000: \(many.digest)")
    }

    @Test("Hashed in slices on every core, the checksum equals the one computed row after row")
    func slicesAddUp() {
        let rows = (0..<25_003).map { ["row \($0)", String($0 * 7)] }
        let sliced = SeedData.checksum("t", count: rows.count) { rows[$0] }
        #expect(sliced == SeedData.checksum("t", rows))
        #expect(sliced != SeedData.checksum("t", rows.dropLast()), "the last row counts")
    }

    @Test("Every lifecycle table's columns are listed for the checksum, and the seed checksums cover every table")
    func everyTableListed() {
        #expect(Set(TableChecksum.columns.keys) == Set(Cluster.tables))
        #expect(SeedData(seed: 1).expectedChecksums.map(\.table) == Cluster.tables)
    }
}
