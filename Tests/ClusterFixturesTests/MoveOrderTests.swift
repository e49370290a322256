import Testing

@testable import ClusterFixtures

/// The order a drain moved its shard groups in, read from the notices Citus sent its session as
/// it started each move: what 37's planned order is judged against.
@Suite("The drain's move order comes from the moves Citus announced, in the order it announced them")
struct MoveOrderTests {
    @Test("Each 'Moving shard N' notice gives N, in order; other notices are ignored")
    func announcedMoves() {
        let notices = [
            "NOTICE:  Moving shard 102012 from 127.0.0.1:9701 to 127.0.0.1:9703 ...",
            "NOTICE:  some other notice about shard 5",
            "NOTICE:  Moving shard 102008 from [::1]:9701 to [::1]:9702 ...",
        ]
        #expect(OperationReport.shardsMoved(in: notices) == [102012, 102008])
        #expect(OperationReport.shardsMoved(in: ["NOTICE:  No moves available for rebalancing"]).isEmpty)
    }
}
