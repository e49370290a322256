import Foundation
import Histogram

/// Latency percentiles of a set of samples, in milliseconds (nearest-rank).
public struct LatencySummary: Codable, Sendable, Equatable {
    public var count: Int
    public var p50: Double, p95: Double, p99: Double, max: Double, mean: Double

    public init(milliseconds samples: [Double]) {
        let sorted = samples.sorted()
        func rank(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[Swift.max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
        }
        count = sorted.count
        p50 = rank(0.50)
        p95 = rank(0.95)
        p99 = rank(0.99)
        max = sorted.last ?? 0
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
    }

    /// An HDR histogram of microseconds (1 µs to 1 hour, 3 significant digits): constant memory
    /// however many samples, percentiles within 0.1%.
    public static func newHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    public init(microseconds histogram: Histogram<UInt64>) {
        count = Int(histogram.totalCount)
        func ms(_ value: UInt64) -> Double { Double(value) / 1000 }
        p50 = count == 0 ? 0 : ms(histogram.valueAtPercentile(50))
        p95 = count == 0 ? 0 : ms(histogram.valueAtPercentile(95))
        p99 = count == 0 ? 0 : ms(histogram.valueAtPercentile(99))
        max = count == 0 ? 0 : ms(histogram.max)
        mean = count == 0 ? 0 : histogram.mean / 1000
    }
}

/// An order the database acknowledged (its COMMIT returned success): every value of its row and
/// of its items' rows, which must be found afterwards exactly so.
public struct AcknowledgedOrder: Codable, Sendable, Equatable {
    /// One acknowledged row of `order_items`.
    public struct Item: Codable, Sendable, Equatable {
        public var id: Int
        public var productName: String
        public var quantity: Int
        public var unitPriceCents: Int

        public init(id: Int, productName: String, quantity: Int, unitPriceCents: Int) {
            self.id = id
            self.productName = productName
            self.quantity = quantity
            self.unitPriceCents = unitPriceCents
        }
    }

    public var id: Int
    public var userID: Int
    public var region: String
    public var productID: Int
    public var quantity: Int
    public var amountCents: Int
    public var token: String
    /// The status the last acknowledged write gave it.
    public var status: String
    /// Seconds since the epoch (the writer sets both, in whole seconds).
    public var createdAt: Int
    public var updatedAt: Int
    public var items: [Item]
    /// A status (and updated_at) an unacknowledged update may or may not have set (outcome unknown).
    public var maybeStatus: String?
    public var maybeUpdatedAt: Int?

    /// The metadata the writer stores, as jsonb prints it (keys by length, then bytes).
    public var metadata: String { "{\"token\": \"\(token)\", \"source\": \"load\"}" }

    public init(
        id: Int, userID: Int, region: String, productID: Int, quantity: Int, amountCents: Int, token: String,
        status: String, createdAt: Int, updatedAt: Int, items: [Item]
    ) {
        self.id = id
        self.userID = userID
        self.region = region
        self.productID = productID
        self.quantity = quantity
        self.amountCents = amountCents
        self.token = token
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.items = items
    }
}

extension AcknowledgedOrder {
    /// `order` as the database acknowledged it: its id and its items' ids (as `Connection.insert`
    /// returns them, in the order of `order.items`), written at `time` (seconds since the epoch).
    public init(_ order: NewOrder, id: Int, itemIDs: [Int], at time: Int) {
        self.init(
            id: id, userID: order.userID, region: order.region, productID: order.productID,
            quantity: order.quantity, amountCents: order.amountCents, token: order.token, status: order.status,
            createdAt: time, updatedAt: time,
            items: zip(itemIDs, order.items).map {
                Item(id: $0, productName: $1.productName, quantity: $1.quantity, unitPriceCents: $1.unitPriceCents)
            })
    }
}

/// Where a load run stands: what the live display and the final report show.
public struct LoadProgress: Sendable, Equatable {
    public var seconds: Double
    public var committed: Int
    public var errors: Int

    public init(seconds: Double, committed: Int, errors: Int) {
        self.seconds = seconds
        self.committed = committed
        self.errors = errors
    }
}

/// What a load run did, writer by writer merged.
public struct LoadReport: Sendable {
    public var seconds: Double
    public var connections: Int
    /// Orders the database acknowledged, in no particular order.
    public var acknowledged: [AcknowledgedOrder]
    /// Errors by SQLSTATE (`connection` when the connection itself failed).
    public var errorsBySQLState: [String: Int]
    /// The first message seen for each SQLSTATE.
    public var errorExamples: [String: String] = [:]
    /// Orders whose outcome is unknown: the connection broke before COMMIT answered.
    public var inDoubt: Int
    /// Status updates the database acknowledged.
    public var updates: Int = 0
    /// Orders each writer attempted (writer n wrote tokens `wn-1` … `wn-<attempts>`).
    public var attemptsByWriter: [Int] = []
    public var latency: LatencySummary
    /// The longest time, in seconds, between two acknowledged writes (or from the start to the
    /// first): how long the writers saw the cluster stand still.
    public var longestWriteGap: Double = 0

    /// New orders acknowledged, counted as they were: with the ledger off, `acknowledged` holds
    /// none of them. nil: count `acknowledged`.
    public var committedCount: Int?

    /// Every writer's exchanges with the server (round trips) and their time, sending to last reply.
    public var exchanges = ExchangeStatistics()
    /// CPU seconds this process spent while the writers ran (they are most of it).
    public var processCPUSeconds = 0.0

    public var committed: Int { committedCount ?? acknowledged.count }
    public var ordersPerSecond: Double { seconds > 0 ? Double(committed) / seconds : 0 }
    /// New orders and status updates acknowledged.
    public var transactions: Int { committed + updates }
    public var transactionsPerSecond: Double { seconds > 0 ? Double(transactions) / seconds : 0 }

    /// Errors as `2× 57P01 ("terminating connection …")`, by SQLSTATE; "none" without any.
    public static func describe(errors: [String: Int], examples: [String: String]) -> String {
        errors.isEmpty
            ? "none"
            : errors.sorted { $0.key < $1.key }.map { state, count in
                "\(count)× \(state)" + (examples[state].map { " (\"\($0)\")" } ?? "")
            }.joined(separator: ", ")
    }

    /// One line for a person.
    public var summary: String {
        let errorText = "errors: " + Self.describe(errors: errorsBySQLState, examples: errorExamples)
        return String(
            format:
                """
                %d orders committed in %.1f s by %d connections (%.0f orders/s); latency ms p50 %.2f, p95 %.2f, \
                p99 %.2f, max %.2f; %@%@
                """,
            committed, seconds, connections, ordersPerSecond, latency.p50, latency.p95, latency.p99, latency.max,
            errorText, inDoubt > 0 ? "; \(inDoubt) in doubt" : "")
    }
}

extension LoadReport {
    /// Orders a test wrote itself, one writer (`w1`) whose every attempt was acknowledged: judged
    /// by the same ledger as the load generator's.
    public init(handWritten orders: [AcknowledgedOrder]) {
        self.init(
            seconds: 0, connections: 1, acknowledged: orders, errorsBySQLState: [:], inDoubt: 0,
            attemptsByWriter: [orders.count], latency: LatencySummary(milliseconds: []))
    }
}
