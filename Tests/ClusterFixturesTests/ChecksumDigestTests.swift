import ClusterTesting
import Testing

@testable import ClusterFixtures

@Suite("The seed's checksums are computed in Swift exactly as the database computes them")
struct ChecksumDigestTests {
    @Test(
        """
        The first 64 bits of md5 as a signed bigint: md5('a') = 0cc175b9c0f1b6a8…, md5('b') = 92eb5ffee6ae2fec… \
        (negative), as PostgreSQL's bit(64)::bigint reads them
        """
    )
    func firstSixtyFourBits() {
        let a = SeedData.checksum("t", [["a"]])
        #expect(a.rowCount == 1)
        #expect(a.digest == "\(Int64(bitPattern: 0x0cc1_75b9_c0f1_b6a8))")
        #expect(SeedData.checksum("t", [["b"]]).digest == "\(Int64(bitPattern: 0x92eb_5ffe_e6ae_2fec))")
        let first = Int128(Int64(bitPattern: 0x0cc1_75b9_c0f1_b6a8))
        let second = Int128(Int64(bitPattern: 0x92eb_5ffe_e6ae_2fec))
        #expect(SeedData.checksum("t", [["a"], ["b"]]).digest == "\(first + second)")
    }

    @Test("Columns are joined with | in the listed order, and sums do not overflow 64 bits")
    func joinedAndWide() {
        let one = SeedData.checksum("t", [["a", "b"]])
        #expect(one == SeedData.checksum("t", [["a|b"]]))
        #expect(one != SeedData.checksum("t", [["b", "a"]]))
        let many = SeedData.checksum("t", (0..<20_000).lazy.map { _ in ["a"] })
        #expect(
            many.digest == "\(Int128(20_000) * Int128(Int64(bitPattern: 0x0cc1_75b9_c0f1_b6a8)))",
            "beyond Int64.max: \(many.digest)")
    }

    @Test("Hashed in slices on every core, the checksum equals the one computed row after row")
    func slicesAddUp() {
        let rows = (0..<25_003).map { ["row \($0)", String($0 * 7)] }
        let sliced = SeedData.checksum("t", count: rows.count) { rows[$0] }
        #expect(sliced == SeedData.checksum("t", rows))
        #expect(sliced != SeedData.checksum("t", rows.dropLast()), "the last row counts")
    }

    @Test(
        "The generator's streamed checksums (slices, no arrays) equal those of the generated rows",
        arguments: [(UInt64(42), 1), (7, 3)])
    func streamedChecksums(_ seed: UInt64, _ scale: Int) {
        #expect(
            SeedGenerator(seed: seed, scale: scale).expectedChecksums()
                == SeedData(seed: seed, scale: scale).expectedChecksums)
    }

    @Test("Any range of orders generated on its own has the same rows, item ids included, as the whole run")
    func rangesMatchTheWhole() {
        let generator = SeedGenerator(seed: 9, scale: 1)
        let whole = SeedData(seed: 9, scale: 1)
        for range in [1...1, 17...2_003, 9_990...10_000] {
            var orders: [SeedData.Order] = []
            var items: [SeedData.Item] = []
            generator.forEachOrder(in: range) {
                orders.append($0)
                items.append(contentsOf: $1)
            }
            #expect(orders == Array(whole.orders[(range.lowerBound - 1)..<range.upperBound]), "\(range)")
            #expect(items == whole.items.filter { range.contains($0.orderID) }, "\(range)")
        }
        let slices = SeedGenerator.slices(of: 10_000, into: 7)
        #expect(
            slices.first?.lowerBound == 1 && slices.last?.upperBound == 10_000
                && slices.map(\.count).reduce(0, +) == 10_000)
        #expect(generator.firstItemIDs(of: slices).items == whole.items.count)
    }

    @Test("Every lifecycle table's columns are listed for the checksum, and the seed checksums cover every table")
    func everyTableListed() {
        #expect(Set(TableChecksum.columns.keys) == Set(Cluster.tables))
        #expect(SeedData(seed: 1).expectedChecksums.map(\.table) == Cluster.tables)
    }

    @Test(
        """
        A table whose columns differ from the checksum's list is refused, naming each column; a table with no \
        list is called unknown
        """
    )
    func coverageRefused() throws {
        let orders = try #require(TableChecksum.columns["orders"]).map(\.name)
        #expect(TableChecksum.coverageError("orders", columns: orders) == nil)
        let added = try #require(TableChecksum.coverageError("orders", columns: orders + ["note"]))
        #expect(added.missing == ["note"] && added.extra.isEmpty && !added.unknownTable, "\(added)")
        #expect(added.description.contains("does not cover the table's columns exactly; not covered: note"), "\(added)")
        let dropped = try #require(TableChecksum.coverageError("orders", columns: orders.filter { $0 != "status" }))
        #expect(dropped.extra == ["status"] && dropped.description.contains("listed but absent: status"), "\(dropped)")
        let unknown = try #require(TableChecksum.coverageError("invoices", columns: ["id"]))
        #expect(
            unknown.unknownTable
                && unknown.description
                    == "TableChecksum.columns has no entry for table invoices: list its columns there",
            "\(unknown)")
    }
}
