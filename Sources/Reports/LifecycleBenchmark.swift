import ClusterFixtures
import Foundation

/// Runs the whole lifecycle on the configured cluster and measures it: query latencies in each
/// stage, each operation's duration, the load generator against pgbench and the seed load
/// against `psql \copy`, the references run on the same cluster in the same run.
///
/// A benchmark reports; it asserts nothing about speed. It leaves the cluster undistributed.
public struct LifecycleBenchmark: Sendable {
    public struct Options: Sendable {
        /// Timed runs per query and stage (warm-up runs come on top).
        public var samples: Int
        /// Scale of the seed data (1: 10,000 orders).
        public var scale: Int
        /// Seconds each side of the load anchor runs.
        public var loadSeconds: Double
        public var connections: Int
        /// Writers run through each online operation (rebalance, isolation, drain, undistribute),
        /// as in Phases 3 and 4: the durations are measured under them, and the writers'
        /// availability is reported. Off: the operations are timed alone.
        public var writers: Bool
        /// On the embedded cluster, one shard move held before its cutover and its session
        /// terminated there, under writers: the availability of a fault run beside the normal ones.
        public var fault: Bool

        public init(
            samples: Int = 100, scale: Int = 1, loadSeconds: Double = 5, connections: Int = 4,
            writers: Bool = true, fault: Bool = true
        ) {
            self.samples = samples
            self.scale = scale
            self.loadSeconds = loadSeconds
            self.connections = connections
            self.writers = writers
            self.fault = fault
        }
    }

    /// The demo queries measured in every stage; `$1`, where there is one, is the heaviest tenant.
    public static let queries: [(name: String, sql: String)] = [
        ("single-tenant lookup", "SELECT id, amount, status FROM orders WHERE user_id = $1"),
        ("cross-shard aggregate", "SELECT status, count(*), sum(amount) FROM orders GROUP BY status"),
        (
            "reference join",
            """
            SELECT r.currency, count(*), sum(o.amount) FROM orders o JOIN regions r ON r.code = o.region GROUP BY \
            r.currency
            """
        ),
        (
            "colocated join",
            """
            SELECT o.status, count(*) FROM orders o JOIN order_items i ON i.user_id = o.user_id AND i.order_id = \
            o.id GROUP BY o.status
            """
        ),
        ("cross-shard join", "SELECT count(*) FROM orders o JOIN order_items i ON i.order_id = o.id"),
    ]

    /// A query slower than this on its first run is sampled `slowQuerySamples` times only.
    public static let slowQueryMilliseconds = 500.0
    public static let slowQuerySamples = 5

    public let cluster: Cluster
    public let options: Options
    public var progress: @Sendable (String) -> Void

    public init(cluster: Cluster, options: Options, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.cluster = cluster
        self.options = options
        self.progress = progress
    }

    public func run() throws -> BenchReport {
        var report = BenchReport(environment: [])
        func timed<T>(_ operation: String, _ body: () throws -> T) rethrows -> T {
            progress(operation)
            let clock = ContinuousClock()
            let start = clock.now
            let value = try body()
            report.operations.append(.init(operation: operation, seconds: start.duration(to: clock.now).seconds))
            return value
        }

        let (_, data) = try timed("setup: base tables and seed data") {
            try cluster.lifecycle.resetToBaseline(scale: options.scale, loader: .copy)
        }
        progress("seed load: parallel COPY against psql \\copy")
        if let comparison = try SeedLoadComparison(
            cluster: cluster, generator: SeedGenerator(seed: data.seed, scale: data.scale)
        ).run() {
            report.anchors.append(comparison.anchor)
            report.seedLoadSteps = comparison.steps
        } else {
            progress("psql not found: no \\copy anchor")
        }
        report.anchors.append(try seedFileAnchor(data))
        let tenant = try cluster.heaviestTenant().id
        try measure("plain tables", tenant: tenant, into: &report)

        try timed("distribute (Phase 2)") { _ = try cluster.lifecycle.distribute() }
        try measure("distributed, \(cluster.configuration.initialWorkers.count) workers", tenant: tenant, into: &report)
        let load = try loadAnchors(users: data.users.count)
        report.anchors += load.anchors
        report.loadBreakdown = load.breakdown

        /// An online operation, timed, under writers when `options.writers` (their ledger checked
        /// and their figures kept, as Phase 3 does).
        func online(
            _ operation: String, hotTenant: Int? = nil, updates: Bool = true, moves: Bool = true,
            _ body: () throws -> Void
        ) throws {
            guard options.writers else { return try timed(operation, body) }
            var writers = LoadGenerator.Options.ledger(
                seed: data.seed &+ UInt64(report.availability.count + 1), hotTenant: hotTenant)
            if !updates { writers.updateShare = 0 }
            let (_, check) = try cluster.lifecycle.whileWriting(operation, writers, measuringCoverage: moves) {
                try timed(operation, body)
            }
            if !check.holds { progress("WRITES NOT HELD during \(operation): \(check)") }
            report.availability.append(check.availability(outcome: "completed"))
        }

        try timed("add worker") { _ = try cluster.lifecycle.addWorker() }
        try online("rebalance onto \(cluster.configuration.workers.count) workers") {
            _ = try cluster.lifecycle.rebalance()
        }
        try measure("rebalanced, \(cluster.configuration.workers.count) workers", tenant: tenant, into: &report)
        // Inserts only during the split (citusdata/citus#6790: UPDATEs can stall it), as Phase 3.
        try online("isolate tenant", hotTenant: tenant, updates: false) {
            _ = try cluster.lifecycle.isolateTenant(tenant)
        }
        let drained = cluster.configuration.drainedWorker
        try online("drain \(drained.name)") { _ = try cluster.lifecycle.drain(drained) }
        try online("undistribute (Phase 4)", moves: false) { _ = try cluster.lifecycle.undistribute() }
        try measure("undistributed", tenant: tenant, into: &report)
        if options.fault { try faultRun(data, into: &report) }
        report.environment =
            cluster.signoffDescription() + [
                """
                \(ProcessInfo.processInfo.activeProcessorCount) cores, seed scale \(options.scale) \
                (\(data.orders.count) orders, \(data.items.count) items)
                """,
                """
                runs per query: \(options.samples) (\(Self.slowQuerySamples) for a query slower than \
                \(Int(Self.slowQueryMilliseconds)) ms on its first run)
                """,
                options.writers
                    ? "online operations timed under writers (\(Self.writers.connections) connections, "
                        + "\(Int(Self.writers.rate ?? 0)) transactions/s, "
                        + "\(Int(Self.writers.updateShare * 100))% of them updates; inserts only during the isolation)"
                    : "online operations timed alone (--no-writers)",
            ]
        return report
    }

    /// The fault run: from a fresh baseline, distributed and the last worker added, one shard move
    /// held before its cutover (`MovePause`) and its session terminated there while writers run;
    /// then the ledger, the audit on every node and the move run again. Only on the embedded
    /// cluster (the pause's setting is meant for the suite's own cluster); elsewhere it says why
    /// not. Ends undistributed, as the lifecycle does. Not timed with the operations.
    private func faultRun(_ data: SeedData, into report: inout BenchReport) throws {
        guard cluster.configuration.localClusterDirectory != nil else {
            report.faultNotes.append(
                """
                fault run: not run (it holds a move with Citus's test-suite locks, which only the embedded \
                cluster allows)
                """
            )
            return
        }
        let fault = "the move's own session terminated, before cutover"
        progress("fault run: \(fault)")
        try cluster.lifecycle.resetToBaseline(scale: options.scale, loader: .copy)
        try cluster.lifecycle.distribute()
        let source = cluster.configuration.workers[0]
        let target = cluster.configuration.addedWorker
        let shard = try cluster.lifecycle.prepareHeldMove(from: source)
        let run = try cluster.lifecycle.moveHeld(
            shard, to: target, at: .beforeCutover, writers: .ledger(seed: data.seed &+ 50)
        ) { pid in
            _ = try cluster.coordinator.value("SELECT pg_terminate_backend($1::int)", [pid], as: Bool.self)
        }
        let check = try cluster.lifecycle.checkLedger(
            run.writes, operation: "shard move \(source.name) → \(target.name)")
        report.availability.append(
            check.availability(outcome: AvailabilityRecord.outcome(of: run.outcome), fault: fault))
        try cluster.lifecycle.removeLoadRows()
        let audit = try FaultAudit.run(on: cluster)
        let clock = ContinuousClock()
        let start = clock.now
        let rerun = Result { try cluster.lifecycle.moveShard(shard, to: target) }
        let after = try FaultAudit.run(on: cluster)
        report.faultNotes.append(
            "fault run (\(fault)): held at \(run.statusWhileHeld ?? "no status"); "
                + "writes \(check.holds ? "held" : "NOT HELD: \(check)"); "
                + "audit after the fault: "
                + "\(audit.isClean ? "nothing left" : audit.findings.map(\.description).joined(separator: "; ")); "
                + "the move run again: \(AvailabilityRecord.outcome(of: rerun)) in "
                + String(format: "%.2f s", start.duration(to: clock.now).seconds)
                    + """
                    ; audit after it: \
                    \(after.isClean ? "nothing left" : after.findings.map(\.description).joined(separator: "; "))
                    """
        )
        try cluster.lifecycle.undistribute()
    }

    /// The writers of the online operations: Phases 3 and 4's.
    static let writers = LoadGenerator.Options.ledger(seed: 0)

    /// Latency of every demo query in the current stage.
    private func measure(_ stage: String, tenant: Int, into report: inout BenchReport) throws {
        progress("measuring queries: \(stage)")
        let connection = try cluster.connect("bench")
        defer { connection.close() }
        if try cluster.hasExtension("citus") { try connection.execute("SET citus.enable_repartition_joins = on") }
        for (name, sql) in Self.queries {
            let parameters: [any SQLParameter] = sql.contains("$1") ? [tenant] : []
            func once() throws -> Double {
                let begun = DispatchTime.now().uptimeNanoseconds
                try connection.query(sql, parameters)
                return Double(DispatchTime.now().uptimeNanoseconds - begun) / 1e6
            }
            // A query that takes seconds (the repartitioned join) gets a few runs, not hundreds.
            let first = try once()
            let slow = first > Self.slowQueryMilliseconds
            let warmUp = slow ? 0 : max(3, options.samples / 10)
            let count = slow ? min(options.samples, Self.slowQuerySamples) : options.samples
            for _ in 0..<warmUp { _ = try once() }
            let samples = try (0..<count).map { _ in try once() }
            report.queries.append(.init(stage: stage, query: name, latency: LatencySummary(milliseconds: samples)))
        }
    }

    /// Our load generator, then pgbench with the same transaction and clients, transactions per second.
    /// The same rows made by `sql/setup/01_initial_seed_data.sql` in the database against loaded by
    /// the Swift generator with COPY, rows per second each, in a scratch database of their own.
    private func seedFileAnchor(_ data: SeedData) throws -> BenchReport.Anchor {
        progress("seed load: COPY against the SQL seed file")
        return try cluster.withScratchDatabase("bench_seed") { scratch in
            let rows = Double(SeedData.regions.count + data.users.count + data.orders.count + data.items.count)
            let clock = ContinuousClock()
            let sqlStart = clock.now
            try scratch.lifecycle.runSeedFile(seed: data.seed, scale: data.scale, on: scratch.coordinator.connection)
            let sqlSeconds = sqlStart.duration(to: clock.now).seconds
            try scratch.coordinator.execute("TRUNCATE order_items, orders, users, regions")
            let copyStart = clock.now
            try ParallelSeedLoad().load(SeedGenerator(seed: data.seed, scale: data.scale), into: scratch, finish: false)
            let copySeconds = copyStart.duration(to: clock.now).seconds
            return .init(
                name: "seed rows made (all four tables)", unit: "rows/s", ours: rows / copySeconds,
                reference: rows / sqlSeconds,
                referenceTool: "01_initial_seed_data.sql")
        }
    }

    /// The load generator against pgbench in two mixes: new orders only, and the lifecycle's
    /// writers (a fifth of the transactions update an order the client wrote). Each side runs the
    /// same transactions with the same clients for `loadSeconds`; the rows are removed after each.
    /// Returns an anchor per mix and each side's breakdown (none without pgbench).
    private func loadAnchors(users: Int) throws -> (anchors: [BenchReport.Anchor], breakdown: [LoadBreakdown]) {
        guard let pgbench = Self.postgresProgram("pgbench") else {
            progress("pgbench not found: no load anchor")
            return ([], [])
        }
        let updateShare = Self.writers.updateShare
        let mixes: [(name: String, updateShare: Double, scripts: [String])] = [
            ("new orders", 0, ["new_order.pgbench"]),
            (
                "lifecycle mix (\(Int(updateShare * 100))% updates)", updateShare,
                [
                    "new_order.pgbench@\(Int(((1 - updateShare) * 100).rounded()))",
                    "update_order.pgbench@\(Int((updateShare * 100).rounded()))",
                ]
            ),
        ]
        var anchors: [BenchReport.Anchor] = []
        var breakdown: [LoadBreakdown] = []
        let clients = options.connections

        func ours(_ mix: (name: String, updateShare: Double, scripts: [String])) throws -> LoadBreakdown {
            // The ledger kept, as the lifecycle's writers keep it.
            let report = try LoadGenerator(
                cluster: cluster,
                options: .init(connections: clients, duration: options.loadSeconds, updateShare: mix.updateShare)
            ).run()
            try cluster.lifecycle.removeLoadRows()
            let transactions = Double(max(1, report.transactions))
            return LoadBreakdown(
                mix: mix.name, tool: "citus-verify load", clients: clients,
                protocolDescription: "extended, prepared once; BEGIN pipelined with the first INSERT",
                transactionsPerSecond: report.transactionsPerSecond,
                roundTripsPerTransaction: Double(report.exchanges.exchanges) / transactions,
                latencyMilliseconds: report.latency.mean,
                clientCPUMillisecondsPerTransaction: report.processCPUSeconds * 1000 / transactions,
                waitingMillisecondsPerTransaction: report.exchanges.seconds * 1000 / transactions,
                betweenCallsMillisecondsPerTransaction:
                    max(0, Double(clients) * report.seconds - report.exchanges.seconds) * 1000 / transactions)
        }

        func theirs(_ mix: (name: String, updateShare: Double, scripts: [String])) throws -> LoadBreakdown {
            let c = cluster.configuration
            let folder = ProjectLayout.root.appendingPathComponent("bench")
            let cpuBefore = CPUTime.ofEndedChildren
            let outcome = try ChildProcess(
                pgbench,
                [
                    "-n", "-r", "-c", String(clients), "-j", String(max(1, clients / 2)),
                    "-T", String(Int(options.loadSeconds.rounded(.up))), "-D", "users=\(users)",
                    "-D", "last_uid=0", "-D", "last_id=0",
                ] + mix.scripts.flatMap { ["-f", folder.appendingPathComponent($0).path] } + [
                    "-h", c.coordinator.host, "-p", String(c.coordinator.port), "-U", c.user, c.database,
                ],
                environment: ["PGPASSWORD": c.password, "LC_ALL": "C"]  // its output is read: untranslated
            ).run(timeLimit: .seconds(options.loadSeconds + 120))
            let cpu = CPUTime.ofEndedChildren - cpuBefore
            try cluster.lifecycle.removeLoadRows()
            guard outcome.status == 0 else {
                throw ToolFailed(program: "pgbench", output: outcome.output + outcome.errorOutput)
            }
            let output = try PgbenchOutput(parsing: outcome.output)
            let transactions = Double(max(1, output.scripts.reduce(0) { $0 + $1.transactions }))
            return LoadBreakdown(
                mix: mix.name, tool: "pgbench", clients: clients, protocolDescription: "simple",
                transactionsPerSecond: output.transactionsPerSecond,
                roundTripsPerTransaction: output.roundTripsPerTransaction,
                latencyMilliseconds: output.latencyMilliseconds,
                clientCPUMillisecondsPerTransaction: cpu * 1000 / transactions)
        }

        for mix in mixes {
            progress(
                "load, \(mix.name): citus-verify load and pgbench taking turns, \(Self.loadRounds) runs each of "
                    + "\(options.loadSeconds) s, \(clients) clients"
            )
            // Taking turns, each side first once: whatever the first run after a change pays (new
            // backends' caches, autovacuum on fresh shards) falls on both.
            var our: [LoadBreakdown] = []
            var their: [LoadBreakdown] = []
            for round in 0..<Self.loadRounds {
                if round % 2 == 0 {
                    our.append(try ours(mix))
                    their.append(try theirs(mix))
                } else {
                    their.append(try theirs(mix))
                    our.append(try ours(mix))
                }
            }
            let (a, b) = (LoadBreakdown.mean(of: our), LoadBreakdown.mean(of: their))
            breakdown += [a, b]
            anchors.append(
                .init(
                    name: "\(mix.name): transactions/s, \(clients) clients", unit: "tx/s",
                    ours: a.transactionsPerSecond, reference: b.transactionsPerSecond, referenceTool: "pgbench"))
        }
        return (anchors, breakdown)
    }

    /// Runs of each side of each load mix, taking turns.
    public static let loadRounds = 2

    /// A PostgreSQL client program: on PATH, else beside the newest server under /usr/lib/postgresql.
    static func postgresProgram(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates =
            path.split(separator: ":").map { "\($0)/\(name)" }
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { $0.compare($1, options: .numeric) == .orderedDescending }
            .map { "/usr/lib/postgresql/\($0)/bin/\(name)" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
