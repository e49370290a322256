import Foundation
import Synchronization

/// Loads the generator's rows into the base tables with several COPY streams at once, each on its
/// own connection and thread: users first, in slices; then orders with their items, a slice per
/// transaction (a slice's items refer to its own orders, so the foreign keys hold inside each
/// transaction). Rows are generated slice by slice as they are sent, never all held in memory.
///
/// Not one transaction: a failure stops every stream and empties the tables again, and the error
/// names the slice and the stream.
public struct ParallelSeedLoad: Sendable {
    /// Concurrent COPY streams: one per core, at least two (the server parses and checks rows while
    /// this process generates the next slice).
    public var streams: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)
    /// Orders per slice at most (with their items, about three times as many rows); users per
    /// slice the same. Fewer rows are cut into at least two slices per stream (of at least
    /// `smallestSlice`), so that one stream sends while another generates even at scale 1.
    public var sliceRows: Int = 25_000
    public static let smallestSlice = 1_000

    public struct Report: Sendable {
        public var rows: Int
        public var seconds: Double
        public var streams: Int
        /// Seconds of each step, in order: opening the streams, regions, users, orders with their
        /// items (one step: a slice's orders and items share a transaction).
        public var steps: [(name: String, seconds: Double)] = []
        public var rowsPerSecond: Double { Double(rows) / max(seconds, 1e-9) }
    }

    public init(streams: Int? = nil, sliceRows: Int? = nil) {
        if let streams { self.streams = max(1, streams) }
        if let sliceRows { self.sliceRows = max(1, sliceRows) }
    }

    /// Loads regions, users, orders and order_items (the tables must exist and be empty); with
    /// `finish`, then moves the id sequences past the loaded ids and analyses the tables.
    @discardableResult
    public func load(_ generator: SeedGenerator, into cluster: Cluster, finish: Bool = true) throws -> Report {
        let clock = ContinuousClock()
        let started = clock.now
        var steps: [(name: String, seconds: Double)] = []
        var stepStarted = started
        func step(_ name: String) {
            let now = clock.now
            steps.append((name, stepStarted.duration(to: now).seconds))
            stepStarted = now
        }
        let userSlices = SeedGenerator.slices(of: generator.userCount, into: sliceCount(generator.userCount))
        let orderSlices = SeedGenerator.slices(of: generator.orderCount, into: sliceCount(generator.orderCount))
        let (firstItems, itemCount) = generator.firstItemIDs(of: orderSlices)
        // Every stream's connection opened at once (each authenticates on its own) and kept for
        // both tables.
        let connections = try openStreams(min(streams, max(userSlices.count, orderSlices.count)), on: cluster)
        defer { for connection in connections { connection.close() } }
        step("open \(connections.count) streams")
        let coordinator = try cluster.coordinator.connection
        var regions = ""
        for region in SeedData.regions {
            SeedData.appendCopyLine([region.code, region.name, region.timezone, region.currency], to: &regions)
        }
        try coordinator.copyIn("COPY regions (code, name, timezone, currency) FROM STDIN", data: regions)
        step("regions")
        do {
            try run(userSlices.count, on: connections) { connection, index in
                try connection.copyIn(
                    "COPY users (\(SeedGenerator.userColumns)) FROM STDIN",
                    data: generator.usersCopyText(userSlices[index]))
                return "users \(userSlices[index])"
            }
            step("users")
            try run(orderSlices.count, on: connections) { connection, index in
                let text = generator.ordersCopyText(orderSlices[index], firstItemID: firstItems[index])
                try connection.execute("BEGIN")
                do {
                    try connection.copyIn("COPY orders (\(SeedGenerator.orderColumns)) FROM STDIN", data: text.orders)
                    try connection.copyIn(
                        "COPY order_items (\(SeedGenerator.itemColumns)) FROM STDIN", data: text.items)
                    try connection.execute("COMMIT")
                } catch {
                    _ = try? connection.execute("ROLLBACK")
                    throw error
                }
                return "orders \(orderSlices[index])"
            }
            step("orders and order_items")
        } catch {
            _ = try? coordinator.execute("TRUNCATE order_items, orders, users, regions")
            throw error
        }
        if finish { try Self.finish(cluster) }
        let rows = SeedData.regions.count + generator.userCount + generator.orderCount + itemCount
        return Report(
            rows: rows, seconds: started.duration(to: clock.now).seconds, streams: connections.count, steps: steps)
    }

    /// Slices for `rows` rows: at most `sliceRows` each, and at least two per stream while each
    /// holds `smallestSlice` rows or more.
    func sliceCount(_ rows: Int) -> Int {
        let bySize = (rows + sliceRows - 1) / sliceRows
        let byStreams = min(2 * streams, rows / Self.smallestSlice)
        return max(1, bySize, byStreams)
    }

    /// `count` connections to the coordinator, opened at the same time.
    private func openStreams(_ count: Int, on cluster: Cluster) throws -> [Connection] {
        let opening = (0..<max(1, count)).map { stream in
            BlockingWork("seed COPY stream \(stream + 1)") {
                try cluster.connect("coordinator (COPY stream \(stream + 1))")
            }
        }
        var connections: [Connection] = []
        var failure: Error?
        for work in opening {
            switch work.wait()! {
            case .success(let connection): connections.append(connection)
            case .failure(let error): failure = failure ?? error
            }
        }
        if let failure {
            for connection in connections { connection.close() }
            throw SeedLoadFailed(stream: 0, slice: -1, underlying: "\(failure)")
        }
        return connections
    }

    /// After a load: the id sequences moved past the loaded ids (later inserts must not collide),
    /// and the tables analysed.
    public static func finish(_ cluster: Cluster) throws {
        let coordinator = cluster.coordinator
        for table in ["users", "orders", "order_items"] {
            try coordinator.execute(
                "SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM \(SQLIdentifier.quote(table))))",
                [table])
        }
        try coordinator.execute("ANALYZE regions, users, orders, order_items")
    }

    /// Runs `count` slices on the streams' connections; the first failure stops the others after
    /// their current slice and is thrown with the slice it happened in.
    private func run(
        _ count: Int, on connections: [Connection], _ body: @escaping @Sendable (Connection, Int) throws -> String
    ) throws {
        let nextSlice = Mutex(0)
        let failure = Mutex<SeedLoadFailed?>(nil)
        let workers = connections.prefix(count).enumerated().map { stream, connection in
            BlockingWork("seed COPY stream \(stream + 1)") {
                while failure.withLock({ $0 == nil }) {
                    let index = nextSlice.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < count else { return }
                    do { _ = try body(connection, index) } catch {
                        failure.withLock {
                            $0 = $0 ?? SeedLoadFailed(stream: stream + 1, slice: index, underlying: "\(error)")
                        }
                        return
                    }
                }
            }
        }
        for worker in workers {
            if case .failure(let error) = worker.wait()! {
                failure.withLock { $0 = $0 ?? SeedLoadFailed(stream: 0, slice: -1, underlying: "\(error)") }
            }
        }
        if let failed = failure.withLock({ $0 }) { throw failed }
    }
}

/// A COPY stream of the seed load failed; every other stream stopped and the tables were emptied.
public struct SeedLoadFailed: Error, CustomStringConvertible, Equatable {
    public var stream: Int
    public var slice: Int
    public var underlying: String
    public var description: String {
        stream == 0
            ? "the seed load could not open a COPY stream: \(underlying)"
            : """
            the seed load failed in slice \(slice + 1) on COPY stream \(stream): \(underlying) (every stream \
            stopped; the tables were emptied)
            """
    }
}
