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
