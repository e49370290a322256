import ClusterFixtures
import Foundation

/// The lifecycle at one data scale, measured: the seed load (parallel COPY), distribute, add worker,
/// rebalance, tenant isolation, drain, undistribute, and the closing check that every table holds
/// the generator's rows (checksums streamed from the generator, never the rows held in memory).
/// Run once per scale, each in a process of its own (`citus-verify bench-scale`), so the peak
/// memory reported is that scale's.
public struct ScaleBenchmark: Sendable {
    public struct Operation: Codable, Sendable, Equatable {
        public var name: String
        public var seconds: Double
        /// Rows the operation carried (the seed's rows for every step but adding a worker).
        public var rows: Int
        public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }

        public init(name: String, seconds: Double, rows: Int) {
            self.name = name
            self.seconds = seconds
            self.rows = rows
        }
    }

    /// One scale's figures.
    public struct Step: Codable, Sendable {
        public var scale: Int
        public var users: Int
        public var orders: Int
        public var items: Int
        public var operations: [Operation]
        /// The benchmark process's peak resident memory (getrusage), bytes.
        public var peakMemoryBytes: Int64
        /// The suite database's size on the coordinator after the load, bytes.
        public var databaseBytes: Int64
        /// Parallel COPY against psql \copy of the same rows, where the scale was compared.
        public var copyComparison: BenchReport.Anchor?
        /// Each side's time per step in that comparison.
        public var copySteps: SeedLoadSteps?
        /// Every table's checksum at the end equals the generator's.
        public var rowsIntact: Bool
        public var rows: Int { SeedData.regions.count + users + orders + items }

        public init(
            scale: Int, users: Int, orders: Int, items: Int, operations: [Operation], peakMemoryBytes: Int64,
            databaseBytes: Int64, copyComparison: BenchReport.Anchor?, rowsIntact: Bool
        ) {
            self.scale = scale
            self.users = users
            self.orders = orders
            self.items = items
            self.operations = operations
            self.peakMemoryBytes = peakMemoryBytes
            self.databaseBytes = databaseBytes
            self.copyComparison = copyComparison
            self.rowsIntact = rowsIntact
        }
    }

    public var cluster: Cluster
    public var scale: Int
    public var compareCopy: Bool
    public var progress: @Sendable (String) -> Void

    public init(
        cluster: Cluster, scale: Int, compareCopy: Bool, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.cluster = cluster
        self.scale = scale
        self.compareCopy = compareCopy
        self.progress = progress
    }

    public func run() throws -> Step {
        let generator = SeedGenerator(seed: cluster.configuration.seed, scale: scale)
        let lifecycle = cluster.lifecycle
        var operations: [Operation] = []
        var rows = 0
        func timed<T>(_ name: String, rows carried: Int? = nil, _ body: () throws -> T) rethrows -> T {
            progress("scale \(scale): \(name)")
            let clock = ContinuousClock()
            let start = clock.now
            let value = try body()
            operations.append(.init(name: name, seconds: start.duration(to: clock.now).seconds, rows: carried ?? rows))
            return value
        }
        try timed("rebuild the database on every node", rows: 0) { try lifecycle.recreateDatabases() }
        let load = try timed("seed load (parallel COPY)") { try lifecycle.loadBaseline(generator) }
        rows = load.rows
        operations[operations.count - 1].rows = rows
        let databaseBytes = try cluster.coordinator.value("SELECT pg_database_size(current_database())", as: Int64.self)
        var comparison: SeedLoadComparison.Outcome?
        if compareCopy {
            progress("scale \(scale): seed load, parallel COPY against psql \\copy of the same rows")
            comparison = try SeedLoadComparison(cluster: cluster, generator: generator).run()
        }
        let tenant = try cluster.heaviestTenant().id
        try timed("distribute") { _ = try lifecycle.distribute() }
        try timed("add worker", rows: 0) { _ = try lifecycle.addWorker() }
        try timed("rebalance") { _ = try lifecycle.rebalance(timeLimit: .seconds(3600)) }
        try timed("isolate tenant") { _ = try lifecycle.isolateTenant(tenant, timeLimit: .seconds(3600)) }
        let drained = cluster.configuration.drainedWorker
        try timed("drain \(drained.name)") { _ = try lifecycle.drain(drained, timeLimit: .seconds(3600)) }
        try timed("undistribute") { _ = try lifecycle.undistribute(timeLimit: .seconds(3600)) }
        let (actual, expected) = try timed("checksums: database against generator") {
            (try cluster.checksums(), generator.expectedChecksums())
        }
        let itemCount = expected.first { $0.table == "order_items" }?.rowCount ?? 0
        var step = Step(
            scale: scale, users: generator.userCount, orders: generator.orderCount, items: itemCount,
            operations: operations, peakMemoryBytes: Self.peakMemoryBytes(), databaseBytes: databaseBytes,
            copyComparison: comparison?.anchor, rowsIntact: actual == expected)
        step.copySteps = comparison?.steps
        return step
    }

    /// This process's peak resident set size so far, bytes (Linux reports ru_maxrss in KiB).
    public static func peakMemoryBytes() -> Int64 {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int64(usage.ru_maxrss) * 1024
    }

    /// What a scale needs, estimated before it runs: the database's bytes per unit of scale
    /// (measured here: about 76 MB at scale 1 and 100 alike, tables and indexes) times three (the
    /// coordinator's copy, the distributed copy while moves hold a shard group twice, write-ahead
    /// log), and the benchmark's own memory (slices of 25,000 orders on each COPY stream, plus the
    /// checksum slices), which does not grow with scale.
    public static func requirement(scale: Int) -> (disk: Int64, memory: Int64) {
        (disk: Int64(scale) * bytesPerScale * 3, memory: 512 * 1024 * 1024)
    }

    /// The suite database at scale 100 took 435 MB on the coordinator (tables and indexes); a
    /// little more per unit of scale, for the workers' copies of the reference table and slack.
    static let bytesPerScale: Int64 = 5 * 1024 * 1024

    /// Free bytes on the file system holding `path` (nil where this host cannot see it).
    public static func freeBytes(at path: String) -> Int64? { Cluster.freeBytes(at: path) }

    /// The machine's available memory (MemAvailable in /proc/meminfo), where readable.
    public static func availableMemory() -> Int64? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
            let kib = Int64(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kib * 1024
    }

    /// nil when `free` bytes hold what `scales` need at the largest; otherwise the one-line refusal.
    public static func diskRefusal(scales: [Int], free: Int64, where folder: String) -> String? {
        guard let largest = scales.max() else { return nil }
        let needed = requirement(scale: largest).disk
        guard free < needed else { return nil }
        return
            """
            bench-scale: scale \(largest) needs about \(ByteCount.text(needed)) of disk for the cluster's data; \
            \(folder) has \(ByteCount.text(free)) free: free some space or leave out scale \(largest) (BENCH_SCALES)
            """
    }
}
