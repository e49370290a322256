@testable import ClusterFixtures
import Testing

/// 24's sizes are read twice, before and after the file runs; the second reading may only excuse
/// a mismatch a size change explains, never hide one.
@Suite("Distribution stats' sizes: a size that changed while the file ran excuses only what it explains")
struct SizeReadingTests {
    let before = ["24:3 (largest_shards): shard 1 is 8192 bytes, the node measures 16384"]
    let unused: () -> [String] = { Issue.record("judged again without cause"); return [] }

    @Test("Sizes that held, or no mismatch at all: the first reading stands and nothing is judged again")
    func firstReadingStands() {
        #expect(Cluster.sizeMismatches(before: before, sizesBefore: ["a": 1], sizesAfter: ["a": 1], judgedAfter: unused) == before)
        #expect(Cluster.sizeMismatches(before: [], sizesBefore: ["a": 1], sizesAfter: ["a": 2], judgedAfter: unused).isEmpty)
    }

    @Test("A size that changed: the reading after is kept only when it has fewer mismatches")
    func secondReadingOnlyWhenBetter() {
        #expect(Cluster.sizeMismatches(before: before, sizesBefore: ["a": 1], sizesAfter: ["a": 2]) { [] }.isEmpty)
        let other = ["24:3 (largest_shards): shard 2 is 8192 bytes, the node measures 0"]
        #expect(Cluster.sizeMismatches(before: before, sizesBefore: ["a": 1], sizesAfter: ["a": 2]) { other } == before, "as many: the first")
        #expect(Cluster.sizeMismatches(before: before, sizesBefore: ["a": 1], sizesAfter: ["a": 2]) { other + before } == before)
    }
}

/// 24's rows per shard: a difference names the shards that differ, and only those.
@Suite("Distribution stats' rows per shard: a mismatch names the shards that differ")
struct RowsPerShardTests {
    @Test("Equal counts: no mismatch; a shard off, missing or extra is named, the shards that agree are not")
    func namesTheShardsThatDiffer() throws {
        let expected: [Int64: Int] = [101: 10, 102: 20, 103: 30, 104: 40]
        #expect(Cluster.rowsPerShardMismatch(expected, expected: expected) == nil)
        var rows = expected
        rows[103] = 31
        #expect(Cluster.rowsPerShardMismatch(rows, expected: expected) == "4 shards, expected 4; shard 103: 31, expected 30")
        rows[104] = nil
        rows[105] = 5
        #expect(Cluster.rowsPerShardMismatch(rows, expected: expected)
                == "4 shards, expected 4; shard 103: 31, expected 30; shard 104: missing, expected 40; shard 105: 5, expected none")
    }
}
