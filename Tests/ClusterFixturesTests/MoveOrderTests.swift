import Testing

@testable import ClusterFixtures

/// The order a drain moved its shards in, read from the progress lines Citus showed while it ran:
/// what 37's planned order is judged against.
@Suite("The drain's move order comes from the progress Citus showed, not from the order it listed the moves in")
struct MoveOrderTests {
    @Test("A shard counts from its first line past Not Started Yet; other tables and job lines are ignored")
    func orderOfFirstStart() {
        let lines = [
            "move shard 11 of orders 127.0.0.1:9701 -> 127.0.0.1:9702: Not Started Yet",
            "move shard 12 of orders 127.0.0.1:9701 -> 127.0.0.1:9703: Not Started Yet",
            "move shard 21 of order_items 127.0.0.1:9701 -> 127.0.0.1:9703: Copying Data",
            "move shard 12 of orders 127.0.0.1:9701 -> 127.0.0.1:9703: Setting Up",
            "job 4 running",
            "move shard 12 of orders 127.0.0.1:9701 -> 127.0.0.1:9703: Completed",
            "move shard 11 of orders 127.0.0.1:9701 -> 127.0.0.1:9702: Catching Up",
        ]
        #expect(OperationReport.shardsInMoveOrder(of: "orders", in: lines) == [12, 11])
        #expect(OperationReport.shardsInMoveOrder(of: "order_items", in: lines) == [21])
        #expect(OperationReport.shardsInMoveOrder(of: "orders", in: Array(lines.prefix(2))).isEmpty)
    }
}
