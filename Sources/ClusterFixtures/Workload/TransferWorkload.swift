import Foundation
import Synchronization

/// An invariant workload: transfers of one unit between two accounts that live on different shard
/// groups (so every transfer is a two-phase commit over two nodes), one writer each way. The sum
/// never changes, and each account's balance follows from the acknowledged transfers: a transfer
/// applied on one shard only, or rolled back after it was acknowledged, shows as a balance that
/// does not add up. A transfer whose COMMIT got no answer (the connection broke) is in doubt: it
/// may have landed or not, as a whole.
public final class TransferWorkload: @unchecked Sendable {
    /// Where the accounts live: a table of the suite's own, colocated with orders.
    public static let table = "transfer_accounts"
    public static let openingBalance = 1_000_000

    public struct Report: Sendable, CustomStringConvertible {
        public var fromFirst: Int, fromSecond: Int, inDoubt: Int
        public var errorsBySQLState: [String: Int]
        /// From the writers' start to their stop.
        public var seconds: Double = 0
        /// The longest time no transfer was acknowledged (from the start, between two, to the stop),
        /// and when it began, in seconds from the writers' start (`elapsed` tells other steps' times).
        public var longestGap: Double = 0
        public var longestGapFrom: Double = 0
        public var description: String {
            "\(fromFirst + fromSecond) transfers acknowledged (\(fromFirst) one way, \(fromSecond) the other), "
                + "\(inDoubt) in doubt; errors by SQLSTATE: "
                + LoadReport.describe(errors: errorsBySQLState, examples: [:])
        }
    }

    public let cluster: Cluster
    public let accounts: (Int, Int)
    /// Shared with the writer threads (an Atomic cannot be captured by value).
    private final class Running: Sendable {
        let flag = Atomic<Bool>(true)
        var isOn: Bool { flag.load(ordering: .relaxed) }
    }
    private let running = Running()
    private var writers:
        [BlockingWork<(acknowledged: Int, inDoubt: Int, errors: [String: Int], acknowledgedAt: [Double])>] = []
    private let started = ContinuousClock.now

    /// Seconds since the writers started: to place another step on the same clock as `longestGapFrom`.
    public var elapsed: Double { started.duration(to: .now).seconds }

    /// Creates the accounts table (distributed by user_id, colocated with orders) with the two
    /// accounts, then starts one writer each way.
    public init(cluster: Cluster, accounts: (Int, Int)) throws {
        self.cluster = cluster
        self.accounts = accounts
        let table = Self.table
        try cluster.coordinator.execute(
            "DROP TABLE IF EXISTS \(table); CREATE TABLE \(table) (user_id bigint PRIMARY KEY, balance bigint NOT NULL)"
        )
        try cluster.coordinator.execute(
            "SELECT create_distributed_table('\(table)', 'user_id', colocate_with => 'orders')")
        try cluster.coordinator.execute(
            "INSERT INTO \(table) VALUES ($1, $3), ($2, $3)", [accounts.0, accounts.1, Self.openingBalance])
        writers = [(accounts.0, accounts.1), (accounts.1, accounts.0)].enumerated().map { index, pair in
            BlockingWork("transfer writer \(index + 1)") { [cluster, running, started] in
                var connection = try cluster.connect("transfer writer \(index + 1)")
                var acknowledged = 0
                var inDoubt = 0
                var acknowledgedAt: [Double] = []
                var errors: [String: Int] = [:]
                while running.isOn {
                    do {
                        // The two rows in one order (lower id first) whichever way the unit goes:
                        // writers going opposite ways would otherwise deadlock each other.
                        let steps = [(pair.0, -1), (pair.1, 1)].sorted { $0.0 < $1.0 }
                        try connection.execute("BEGIN")
                        for (account, change) in steps {
                            try connection.query(
                                "UPDATE \(table) SET balance = balance + $2 WHERE user_id = $1", [account, change])
                        }
                        try connection.execute("COMMIT")
                        acknowledged += 1
                        acknowledgedAt.append(started.duration(to: .now).seconds)
                    } catch {
                        errors[(error as? DatabaseError)?.sqlState ?? "connection", default: 0] += 1
                        if connection.isOpen {
                            _ = try? connection.execute("ROLLBACK")
                        } else {
                            inDoubt += 1
                            connection.close()
                            while running.isOn {
                                if let fresh = try? cluster.connect("transfer writer \(index + 1)") {
                                    connection = fresh
                                    break
                                }
                                Thread.sleep(forTimeInterval: 0.2)
                            }
                        }
                    }
                }
                connection.close()
                return (acknowledged, inDoubt, errors, acknowledgedAt)
            }
        }
    }

    /// Stops the writers and returns what they acknowledged.
    public func stop() throws -> Report {
        running.flag.store(false, ordering: .relaxed)
        let results = try writers.map { try $0.value() }
        let seconds = started.duration(to: .now).seconds
        var errors: [String: Int] = [:]
        for result in results { errors.merge(result.errors, uniquingKeysWith: +) }
        let times = [0] + results.flatMap(\.acknowledgedAt).sorted() + [seconds]
        let gap = zip(times, times.dropFirst()).max { $0.1 - $0.0 < $1.1 - $1.0 } ?? (0, 0)
        return Report(
            fromFirst: results[0].acknowledged, fromSecond: results[1].acknowledged,
            inDoubt: results.reduce(0) { $0 + $1.inDoubt }, errorsBySQLState: errors, seconds: seconds,
            longestGap: gap.1 - gap.0, longestGapFrom: gap.0)
    }

    /// The balances now, and how far each is from what the acknowledged transfers make it (0 when
    /// exact; at most the transfers in doubt).
    public func check(_ report: Report) throws -> (sum: Int, first: Int, second: Int, firstOff: Int, secondOff: Int) {
        let rows = try cluster.coordinator.rows("SELECT user_id, balance FROM \(Self.table)")
        let balance = Dictionary(
            uniqueKeysWithValues: try rows.map {
                (try $0.get("user_id", as: Int.self), try $0.get("balance", as: Int.self))
            })
        let first = balance[accounts.0] ?? 0
        let second = balance[accounts.1] ?? 0
        let expectedFirst = Self.openingBalance - report.fromFirst + report.fromSecond
        return (
            first + second, first, second, abs(first - expectedFirst),
            abs(second - (2 * Self.openingBalance - expectedFirst))
        )
    }

    /// Drops the accounts table.
    public func remove() throws { try cluster.coordinator.execute("DROP TABLE IF EXISTS \(Self.table)") }
}
