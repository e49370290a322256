import ClusterTesting
import Testing

@testable import ClusterFixtures

@Suite("Load generator parts: orders, latency percentiles, array parameters")
struct LoadGeneratorPartsTests {
    static let tenants = (1...100).map { NewOrder.Tenant(id: $0, region: "r\($0 % 10)") }

    @Test("New orders have one to three items, an amount equal to their sum, and the seed's 80/20 skew")
    func newOrders() {
        var rng = SeededGenerator(seed: 9)
        let orders = (0..<20_000).map { _ in NewOrder.random(from: Self.tenants, using: &rng) }
        #expect(orders.allSatisfy { (1...3).contains($0.items.count) })
        #expect(orders.allSatisfy { $0.amountCents == $0.items.reduce(0) { $0 + $1.quantity * $1.unitPriceCents } })
        #expect(
            orders.allSatisfy { order in Self.tenants.contains { $0.id == order.userID && $0.region == order.region } })
        let fromFirstFifth = Double(orders.filter { $0.userID <= 20 }.count) / Double(orders.count)
        #expect(
            abs(fromFirstFifth - (0.8 + 0.2 * 0.2)) < 0.02,
            "80% from the heavy fifth, plus its share of the rest: \(fromFirstFifth)")
    }

    @Test(
        """
        A failed write is in doubt when its outcome is unknown (a broken connection, the coordinator's to a \
        worker), refused otherwise
        """
    )
    func outcomeUnknown() {
        func error(_ state: String?, _ message: String) -> DatabaseError {
            DatabaseError(node: "coordinator", sqlState: state, message: message)
        }
        let brokenToWorker = error("XX000", "server closed the connection unexpectedly")
        #expect(LoadGenerator.outcomeUnknown(after: brokenToWorker, connectionOpen: true))
        #expect(
            LoadGenerator.outcomeUnknown(
                after: error("08006", "connection to the remote node failed"), connectionOpen: true))
        #expect(
            LoadGenerator.outcomeUnknown(after: error("23505", "duplicate key"), connectionOpen: false),
            "its own connection broke")
        #expect(
            !LoadGenerator.outcomeUnknown(after: error("23505", "duplicate key"), connectionOpen: true),
            "refused: nothing changed")
        #expect(
            !LoadGenerator.outcomeUnknown(after: error("XX000", "could not find shard placement"), connectionOpen: true)
        )
    }

    @Test("The same seed writes the same orders")
    func deterministic() {
        var a = SeededGenerator(seed: 3)
        var b = SeededGenerator(seed: 3)
        #expect(
            (0..<100).map { _ in NewOrder.random(from: Self.tenants, using: &a) }
                == (0..<100).map { _ in NewOrder.random(from: Self.tenants, using: &b) })
    }

    @Test("Percentiles by nearest rank")
    func percentiles() {
        let summary = LatencySummary(milliseconds: (1...100).map(Double.init).shuffled())
        #expect(summary.count == 100)
        #expect(summary.p50 == 50 && summary.p95 == 95 && summary.p99 == 99 && summary.max == 100)
        #expect(summary.mean == 50.5)
        #expect(LatencySummary(milliseconds: []).p99 == 0)
        #expect(LatencySummary(milliseconds: [7]).p50 == 7)
    }

    @Test("An array parameter is one array literal with every element quoted, NULL for nil")
    func arrayParameter() {
        #expect(["a", "b c", "quote\"d", "back\\slash"].sqlText == #"{"a","b c","quote\"d","back\\slash"}"#)
        #expect([1, 2, 3].sqlText == #"{"1","2","3"}"#)
        #expect([String?.none, "x"].sqlText == #"{NULL,"x"}"#)
        #expect([String]().sqlText == "{}")
    }
}

@Suite("Write ledger: tokens name attempts")
struct WriteLedgerTokenTests {
    @Test("A token names an attempt only when that writer made that many attempts")
    func attempted() {
        let attempts = [3, 0, 10]
        #expect(Lifecycle.wasAttempted("w1-1", attemptsByWriter: attempts))
        #expect(Lifecycle.wasAttempted("w1-3", attemptsByWriter: attempts))
        #expect(Lifecycle.wasAttempted("w3-10", attemptsByWriter: attempts))
        for token in ["w1-4", "w2-1", "w4-1", "w1-0", "x1-1", "w1", "", "w-1", "w1-2-3"] {
            #expect(!Lifecycle.wasAttempted(token, attemptsByWriter: attempts), "\(token)")
        }
    }
}
