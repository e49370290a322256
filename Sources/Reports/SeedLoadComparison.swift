import ClusterFixtures
import Foundation

/// The seed's rows loaded by `ParallelSeedLoad` and, in the same run, the very same rows by
/// `psql \copy` (one stream, one transaction), rows per second each: the benchmark's anchor for the
/// load. The files psql reads are written first, outside both timings. Each side starts from empty
/// tables; the tables end holding the rows (the same whichever side loaded last), with sequences and
/// statistics as after a setup.
public struct SeedLoadComparison: Sendable {
    public var cluster: Cluster
    public var generator: SeedGenerator
    public var streams: Int?
    /// Runs of each side, taking turns (ours first, then psql first, …), each side judged by its
    /// median run. A load of under a second varies between runs by as much as the gap it measures,
    /// so up to 100,000 orders each side runs three times, after a first load of each that is not
    /// counted (it warms what both sides use: the server's and the catalog's caches; every TRUNCATE
    /// gives the tables new files); larger loads once.
    public var runs: Int

    public init(cluster: Cluster, generator: SeedGenerator, streams: Int? = nil, runs: Int? = nil) {
        self.cluster = cluster
        self.generator = generator
        self.streams = streams
        self.runs = max(1, runs ?? (generator.orderCount <= 100_000 ? 3 : 1))
    }

    /// The rates side by side, and each side's time per step (ours: opening its streams, then
    /// regions, users, orders with their items; psql: each table's `\copy`, as `\timing` printed it).
    public struct Outcome: Sendable {
        public var anchor: BenchReport.Anchor
        public var steps: SeedLoadSteps
    }

    public func run() throws -> Outcome? {
        guard let psql = LifecycleBenchmark.postgresProgram("psql") else { return nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "citus-verify-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = try writeFiles(to: folder)
        let coordinator = cluster.coordinator
        let truncate = "TRUNCATE order_items, orders, users, regions"
        let clock = ContinuousClock()
        let c = cluster.configuration
        let tables = [
            ("regions", "code, name, timezone, currency"), ("users", SeedGenerator.userColumns),
            ("orders", SeedGenerator.orderColumns), ("order_items", SeedGenerator.itemColumns),
        ]
        // Each \copy announced by name, then timed by psql's \timing: read back by the name.
        let commands =
            ["-c", "\\timing on"]
            + tables.flatMap { table, columns in
                [
                    "-c", "\\echo \(Self.stepMark)\(table)",
                    "-c", "\\copy \(table) (\(columns)) FROM '\(folder.appendingPathComponent(table).path)'",
                ]
            }
        func ours() throws -> LoadRun {
            try coordinator.execute(truncate)
            let start = clock.now
            let load = try ParallelSeedLoad(streams: streams).load(generator, into: cluster, finish: false)
            return LoadRun(
                seconds: start.duration(to: clock.now).seconds,
                steps: load.steps.map { .init(name: $0.name, seconds: $0.seconds) }, streams: load.streams)
        }
        func theirs() throws -> LoadRun {
            try coordinator.execute(truncate)
            let start = clock.now
            let outcome = try ChildProcess(
                psql,
                [
                    "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-h", c.coordinator.host,
                    "-p", String(c.coordinator.port), "-U", c.user, "-d", c.database,
                ] + commands,
                environment: ["PGPASSWORD": c.password, "LC_ALL": "C"]  // its timing lines are read: untranslated
            ).run(timeLimit: .seconds(3600))
            let seconds = start.duration(to: clock.now).seconds
            guard outcome.status == 0 else { throw ToolFailed(program: "psql \\copy", output: outcome.errorOutput) }
            return LoadRun(
                seconds: seconds, steps: try Self.timedSteps(outcome.output, tables: tables.map(\.0)), streams: 1)
        }
        var oursRuns: [LoadRun] = []
        var theirRuns: [LoadRun] = []
        if runs > 1 {
            _ = try ours()
            _ = try theirs()
        }
        for run in 0..<runs {
            if run % 2 == 0 {
                oursRuns.append(try ours())
                theirRuns.append(try theirs())
            } else {
                theirRuns.append(try theirs())
                oursRuns.append(try ours())
            }
        }
        try ParallelSeedLoad.finish(cluster)
        let oursMedian = LoadRun.median(oursRuns)
        let theirMedian = LoadRun.median(theirRuns)
        let anchor = BenchReport.Anchor(
            name: "seed load, \(oursMedian.streams) COPY streams (rows/s)", unit: "rows/s",
            ours: Double(rows) / oursMedian.seconds, reference: Double(rows) / theirMedian.seconds,
            referenceTool: "psql \\copy")
        return Outcome(
            anchor: anchor,
            steps: SeedLoadSteps(scale: generator.scale, ours: oursMedian.steps, psql: theirMedian.steps, runs: runs))
    }

    /// One side's load, once: its wall time, its steps, its streams.
    struct LoadRun {
        var seconds: Double
        var steps: [SeedLoadSteps.Step]
        var streams: Int

        /// The run of median time (of an even count, the slower middle one: a run that happened).
        static func median(_ runs: [LoadRun]) -> LoadRun { runs.sorted { $0.seconds < $1.seconds }[runs.count / 2] }
    }

    static let stepMark = "citus-verify step: "

    /// Each table's time from psql's output: the `\timing` line after the table's mark.
    static func timedSteps(_ output: String, tables: [String]) throws -> [SeedLoadSteps.Step] {
        var times: [String: Double] = [:]
        var current: String?
        for line in output.split(separator: "\n") {
            if line.hasPrefix(stepMark) {
                current = String(line.dropFirst(stepMark.count))
            } else if let table = current, line.hasPrefix("Time: "),
                let milliseconds = Double(line.dropFirst(6).prefix { $0 != " " })
            {
                times[table] = milliseconds / 1000
                current = nil
            }
        }
        return try tables.map { table in
            guard let seconds = times[table] else {
                throw ToolFailed(program: "psql \\copy", output: "no \\timing line for \(table) in:\n\(output)")
            }
            return .init(name: table, seconds: seconds)
        }
    }

    /// The four tables' rows as COPY text files, written a slice at a time; returns the row count.
    private func writeFiles(to folder: URL) throws -> Int {
        func open(_ table: String) throws -> FileHandle {
            let url = folder.appendingPathComponent(table)
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)  // a failure: the open below throws
            return try FileHandle(forWritingTo: url)
        }
        let regions = try open("regions")
        let users = try open("users")
        let orders = try open("orders")
        let items = try open("order_items")
        defer { for file in [regions, users, orders, items] { try? file.close() } }
        var regionText = ""
        for r in SeedData.regions {
            SeedData.appendCopyLine([r.code, r.name, r.timezone, r.currency], to: &regionText)
        }
        try regions.write(contentsOf: Data(regionText.utf8))
        for slice in SeedGenerator.slices(of: generator.userCount, into: max(1, generator.userCount / 25_000)) {
            try users.write(contentsOf: Data(generator.usersCopyText(slice).utf8))
        }
        let slices = SeedGenerator.slices(of: generator.orderCount, into: max(1, generator.orderCount / 25_000))
        let (firsts, itemCount) = generator.firstItemIDs(of: slices)
        for (slice, first) in zip(slices, firsts) {
            let text = generator.ordersCopyText(slice, firstItemID: first)
            try orders.write(contentsOf: Data(text.orders.utf8))
            try items.write(contentsOf: Data(text.items.utf8))
        }
        return SeedData.regions.count + generator.userCount + generator.orderCount + itemCount
    }
}
