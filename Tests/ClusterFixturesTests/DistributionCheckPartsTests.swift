import Testing

@testable import ClusterFixtures

// The parts of the distribution checks (14 and 24) that judge without a database, each seen in
// both directions.

/// 24's sizes are read twice, before and after the file runs; the second reading may only excuse
/// a mismatch a size change explains, never hide one.
@Suite("Distribution stats' sizes: a size that changed while the file ran excuses only what it explains")
struct SizeReadingTests {
    let before = ["24:3 (largest_shards): shard 1 is 8192 bytes, the node measures 16384"]
    let unused: () -> [String] = {
        Issue.record("judged again without cause")
        return []
    }

    @Test("Sizes that held, or no mismatch at all: the first reading stands and nothing is judged again")
    func firstReadingStands() {
        #expect(
            Cluster.sizeMismatches(before: before, sizesBefore: ["a": 1], sizesAfter: ["a": 1], judgedAfter: unused)
                == before)
        #expect(
            Cluster.sizeMismatches(before: [], sizesBefore: ["a": 1], sizesAfter: ["a": 2], judgedAfter: unused).isEmpty
        )
    }

    @Test("A size that changed: the reading after is kept only when it has fewer mismatches")
    func secondReadingOnlyWhenBetter() {
        #expect(Cluster.sizeMismatches(before: before, sizesBefore: ["a": 1], sizesAfter: ["a": 2]) { [] }.isEmpty)
        let other = ["24:3 (largest_shards): shard 2 is 8192 bytes, the node measures 0"]
        #expect(
            Cluster.sizeMismatches(before: before, sizesBefore: ["a": 1], sizesAfter: ["a": 2]) { other } == before,
            "as many: the first")
        #expect(
            Cluster.sizeMismatches(before: before, sizesBefore: ["a": 1], sizesAfter: ["a": 2]) { other + before }
                == before)
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
        #expect(
            Cluster.rowsPerShardMismatch(rows, expected: expected) == "4 shards, expected 4; shard 103: 31, expected 30"
        )
        rows[104] = nil
        rows[105] = 5
        #expect(
            Cluster.rowsPerShardMismatch(rows, expected: expected)
                == """
                4 shards, expected 4; shard 103: 31, expected 30; shard 104: missing, expected 40; shard 105: 5, \
                expected none
                """
        )
    }
}

/// 14's `partitions` result: every property of the design is a mismatch when it alone is wrong.
@Suite("Verify distribution's partitions: each table's method, column, colocation and replication judged alone")
struct PartitionMismatchTests {
    static func row(_ table: String, _ method: String, _ column: String?, colocation: Int, replication: String) -> Row {
        Row(
            columns: ["table_name", "partmethod", "distribution_column", "colocationid", "repmodel"],
            values: [table, method, column, String(colocation), replication], source: "test")
    }

    static let design: [String: Row] = [
        "orders": row("orders", "h", "user_id", colocation: 2, replication: "s"),
        "order_items": row("order_items", "h", "user_id", colocation: 2, replication: "s"),
        "regions": row("regions", "n", nil, colocation: 1, replication: "t"),
    ]

    func mismatches(_ change: (inout [String: Row]) -> Void) throws -> [String] {
        var partitions = Self.design
        change(&partitions)
        return try Cluster.partitionMismatches(partitions, at: "14:2 (partitions)")
    }

    @Test("The design holds: no mismatch")
    func designHolds() throws {
        #expect(try mismatches { _ in }.isEmpty)
    }

    @Test("One property wrong at a time: one mismatch, naming it")
    func eachPropertyAlone() throws {
        let cases: [(String, (inout [String: Row]) -> Void)] = [
            (
                "orders is not hash-distributed by user_id",
                { $0["orders"] = Self.row("orders", "h", "id", colocation: 2, replication: "s") }
            ),
            (
                "orders is not hash-distributed by user_id",
                { $0["orders"] = Self.row("orders", "r", "user_id", colocation: 2, replication: "s") }
            ),
            (
                "order_items is not hash-distributed by user_id",
                { $0["order_items"] = Self.row("order_items", "h", nil, colocation: 2, replication: "s") }
            ),
            (
                "different colocation groups",
                { $0["order_items"] = Self.row("order_items", "h", "user_id", colocation: 3, replication: "s") }
            ),
            (
                "regions is not a reference table",
                { $0["regions"] = Self.row("regions", "n", nil, colocation: 1, replication: "s") }
            ),
            (
                "regions is not a reference table",
                { $0["regions"] = Self.row("regions", "h", nil, colocation: 1, replication: "t") }
            ),
            (
                "tables [\"order_items\", \"orders\", \"regions\", \"users\"]",
                { $0["users"] = Self.row("users", "n", nil, colocation: 1, replication: "t") }
            ),
            ("tables [\"order_items\", \"orders\"]", { $0["regions"] = nil }),
        ]
        for (expected, change) in cases {
            let found = try mismatches(change)
            #expect(
                found.count == 1 && found[0].hasPrefix("14:2 (partitions): ") && found[0].contains(expected),
                "\(expected): \(found)")
        }
    }
}

/// 14's `placements` result: a difference names the first placement that differs.
@Suite("Verify distribution's placements: a list that differs from the catalog names where")
struct PlacementListTests {
    @Test(
        """
        The same list: no mismatch; another order or another node: the first placement that differs; one missing: \
        the counts
        """
    )
    func namesTheFirstDifference() {
        let catalog = ["orders 102008 127.0.0.1:9701", "orders 102009 127.0.0.1:9702", "orders 102010 127.0.0.1:9701"]
        #expect(Cluster.placementListMismatch(catalog, catalog: catalog) == nil)
        let moved = [catalog[0], "orders 102009 127.0.0.1:9703", catalog[2]]
        #expect(
            Cluster.placementListMismatch(moved, catalog: catalog)
                == """
                3 placements, the catalog has 3; 'orders 102009 127.0.0.1:9703' where the catalog has 'orders \
                102009 127.0.0.1:9702'
                """
        )
        #expect(
            Cluster.placementListMismatch(Array(catalog.prefix(2)), catalog: catalog)
                == "2 placements, the catalog has 3")
    }
}

/// The demo queries' rows: a difference names the first row that differs.
@Suite("Demo query rows: a result that differs names its first differing row")
struct DemoRowsMismatchTests {
    @Test("The same rows: no mismatch; a row changed: that row, as it is and as expected; a row missing: the counts")
    func namesTheFirstDifferingRow() {
        let expected = [["EU", "10"], ["US", "20"], ["APAC", "30"]]
        #expect(Cluster.rowsMismatch(expected, expected: expected) == nil)
        var rows = expected
        rows[1] = ["US", "21"]
        #expect(
            Cluster.rowsMismatch(rows, expected: expected)
                == "3 rows, expected 3; row 2 is [\"US\", \"21\"], expected [\"US\", \"20\"]")
        #expect(Cluster.rowsMismatch(Array(expected.prefix(2)), expected: expected) == "2 rows, expected 3")
    }
}
