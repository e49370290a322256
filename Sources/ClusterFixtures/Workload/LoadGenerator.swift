import Foundation

/// Writes new orders (with their items) from several connections at once, for a time, at a rate
/// or as fast as the cluster takes them, and keeps what each commit acknowledged.
///
/// Each writer runs on a thread of its own with a connection of its own: libpq calls block, and
/// the concurrency pool here is two threads wide. A writer whose connection breaks counts the
/// error, reconnects and goes on, so a node restarting mid-run shows up as errors, not as an end.
public final class LoadGenerator: @unchecked Sendable {
    /// Whether a failed statement may still have changed the data, so that its write is in doubt
    /// rather than refused: its own connection broke (or a client deadline closed it), or the
    /// coordinator says its connection to a worker broke mid-statement (SQLSTATE class 08, or
    /// XX000 "server closed the connection unexpectedly"): the worker may have committed before
    /// the reply was lost.
    public static func outcomeUnknown(after error: Error, connectionOpen: Bool) -> Bool {
        if !connectionOpen { return true }
        guard let database = error as? DatabaseError, let state = database.sqlState else {
            return error is ReplyDeadlineExceeded
        }
        return state.hasPrefix("08") || (state == "XX000" && database.message.contains("closed the connection"))
    }

    public struct Options: Sendable {
        /// Concurrent connections, each writing one order at a time.
        public var connections: Int
        /// Orders per second over all connections together; nil: as fast as possible.
        public var rate: Double?
        /// Seconds to run; nil: until `stop()`.
        public var duration: Double?
        /// Seed of the orders written (each writer derives its own).
        public var seed: UInt64
        /// Share of transactions that update the status of an order the writer wrote before,
        /// instead of writing a new one.
        public var updateShare: Double
        /// A tenant that gets `hotShare` of the new orders: the one being isolated, say, so that
        /// writes hit the very shard being split.
        public var hotTenant: Int?
        public var hotShare: Double
        /// Keep every acknowledged order (the ledger the suite checks). Off (the tool without
        /// --ledger), each writer keeps only its `recentOrders` latest, for its updates: memory stays
        /// bounded however long the run.
        public var keepsLedger = true
        public var recentOrders = 1_000

        public init(
            connections: Int = 4, rate: Double? = nil, duration: Double? = nil, seed: UInt64 = 42,
            updateShare: Double = 0, hotTenant: Int? = nil, hotShare: Double = 0.2
        ) {
            self.connections = connections
            self.rate = rate
            self.duration = duration
            self.seed = seed
            self.updateShare = updateShare
            self.hotTenant = hotTenant
            self.hotShare = hotShare
        }
    }

    public let cluster: Cluster
    public let options: Options
    fileprivate let state = SharedState()

    public init(cluster: Cluster, options: Options) {
        precondition(options.connections >= 1, "at least one connection")
        self.cluster = cluster
        self.options = options
    }

    /// Ends the run: each writer finishes the order it is writing and stops. Safe from any thread
    /// (a signal handler's queue, say).
    public func stop() { state.stop() }

    /// Transactions the writers have committed so far in this run.
    public var committedSoFar: Int { state.committedCount }

    /// Waits until the writers have committed at least `count` transactions in this run, for at
    /// most `timeLimit`; whether they did. The writers' own failures are theirs to report (`run`).
    @discardableResult
    public func awaitCommitted(atLeast count: Int, within timeLimit: Duration) -> Bool {
        (try? Polling.until(timeLimit: timeLimit, every: .milliseconds(2), what: "\(count) committed writes") {
            state.committedCount >= count ? true : nil
        }) ?? false
    }

    /// Runs until the duration is over or `stop()` is called; every `progressInterval` seconds
    /// `onProgress` sees where the run stands.
    public func run(progressInterval: Double = 1, onProgress: ((LoadProgress) -> Void)? = nil) throws -> LoadReport {
        let tenants = try cluster.tenants()
        guard !tenants.isEmpty else {
            throw DatabaseError(
                node: "coordinator", message: "users is empty: there is no tenant to write orders for (run setup first)"
            )
        }
        // Connect every writer before the clock starts: a bad address fails here, at once.
        let connections = try (1...options.connections).map { try cluster.connect("load writer \($0)") }
        let started = Date()
        let cpuAtStart = CPUTime.ofThisProcess
        var writers: [Writer] = []
        var running: [BlockingWork<Void>] = []
        for (index, connection) in connections.enumerated() {
            let writer = Writer(
                index: index, connection: connection, generator: self, tenants: tenants, started: started)
            writers.append(writer)
            running.append(BlockingWork("load writer \(index + 1)") { writer.run() })
        }
        while running.contains(where: { $0.wait(.seconds(progressInterval)) == nil }) {
            onProgress?(state.progress(since: started))
        }
        let seconds = Date().timeIntervalSince(started)
        let cpuSeconds = CPUTime.ofThisProcess - cpuAtStart
        var report = LoadReport(
            seconds: seconds, connections: options.connections, acknowledged: [], errorsBySQLState: [:],
            inDoubt: 0, latency: LatencySummary(milliseconds: []))
        var latencies = LatencySummary.newHistogram()
        var committed = 0
        for writer in writers {
            if options.keepsLedger { report.acknowledged += writer.acknowledged }
            committed += writer.committed
            report.errorsBySQLState.merge(writer.errors, uniquingKeysWith: +)
            report.errorExamples.merge(writer.errorExamples) { first, _ in first }
            report.inDoubt += writer.inDoubt
            report.updates += writer.updates
            report.attemptsByWriter.append(writer.attempts)
            latencies.add(writer.latencies)
            report.exchanges = report.exchanges + writer.exchanges
            writer.connection.close()
        }
        report.committedCount = committed
        report.processCPUSeconds = cpuSeconds
        report.latency = LatencySummary(microseconds: latencies)
        report.longestWriteGap = state.longestGap(until: seconds)
        return report
    }

    fileprivate func shouldContinue(at now: Date, started: Date) -> Bool {
        if state.isStopped { return false }
        if let duration = options.duration, now.timeIntervalSince(started) >= duration { return false }
        return true
    }

    fileprivate func record(committed: Bool) { state.count(committed: committed) }

    /// One connection's loop. Its results are read only after its thread has finished.
    private final class Writer: @unchecked Sendable {
        let index: Int
        var connection: Connection
        unowned let generator: LoadGenerator
        let tenants: [NewOrder.Tenant]
        let hot: NewOrder.Tenant?
        let started: Date
        var acknowledged: [AcknowledgedOrder] = []
        var errors: [String: Int] = [:]
        var errorExamples: [String: String] = [:]
        var inDoubt = 0
        var updates = 0
        var attempts = 0
        /// The exchanges of connections this writer has closed (after a failure).
        var closedExchanges = ExchangeStatistics()
        var exchanges: ExchangeStatistics { closedExchanges + connection.statistics }
        /// New orders acknowledged (with keepsLedger off, more than `acknowledged` holds).
        var committed = 0
        /// Microseconds from each transaction's start (its scheduled start under a rate) to its acknowledgement.
        var latencies = LatencySummary.newHistogram()

        init(index: Int, connection: Connection, generator: LoadGenerator, tenants: [NewOrder.Tenant], started: Date) {
            self.index = index
            self.connection = connection
            self.generator = generator
            self.tenants = tenants
            self.hot = generator.options.hotTenant.flatMap { id in tenants.first { $0.id == id } }
            self.started = started
        }

        func run() {
            let options = generator.options
            var rng = SeededGenerator(seed: options.seed &+ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15)
            // Pacing: this writer's share of the rate, as a fixed schedule from the start.
            let interval = options.rate.map { Double(options.connections) / $0 }
            var sent = 0
            while generator.shouldContinue(at: Date(), started: started) {
                // Latency counts from when the transaction was due, not from when it was sent: under a
                // rate, a stall delays every transaction queued behind it, and timing from the send
                // would hide that (coordinated omission). Without a rate, due = sent.
                var begun = Date()
                if let interval {
                    let due = started.addingTimeInterval(Double(sent) * interval)
                    let wait = due.timeIntervalSinceNow
                    if wait > 0 {
                        Thread.sleep(forTimeInterval: min(wait, 0.25))
                        continue
                    }
                    begun = due
                }
                sent += 1
                let succeeded: Bool
                if !acknowledged.isEmpty, Double.random(in: 0..<1, using: &rng) < options.updateShare {
                    succeeded = update(acknowledged.indices.randomElement(using: &rng)!, using: &rng)
                } else {
                    succeeded = insert(using: &rng)
                }
                if succeeded {
                    let now = Date()
                    _ = latencies.record(UInt64(max(0, now.timeIntervalSince(begun)) * 1e6))
                    generator.state.acknowledge(at: now.timeIntervalSince(started))
                }
                generator.record(committed: succeeded)
            }
        }

        private func insert(using rng: inout SeededGenerator) -> Bool {
            attempts += 1
            var order = NewOrder.random(from: tenants, hot: hot, hotShare: generator.options.hotShare, using: &rng)
            order.token = "w\(index + 1)-\(attempts)"
            let now = Int(Date().timeIntervalSince1970)
            do {
                let (id, itemIDs) = try connection.insert(order, at: now)
                acknowledged.append(AcknowledgedOrder(order, id: id, itemIDs: itemIDs, at: now))
                committed += 1
                // Without a ledger, only the latest orders are kept (for updates), dropped in halves.
                let window = generator.options.recentOrders
                if !generator.options.keepsLedger && acknowledged.count >= 2 * window {
                    acknowledged.removeFirst(acknowledged.count - window)
                }
                return true
            } catch {
                failed(error)
                return false
            }
        }

        private func update(_ position: Int, using rng: inout SeededGenerator) -> Bool {
            let order = acknowledged[position]
            let status = SeedData.statuses.filter { $0 != order.status }.randomElement(using: &rng)!
            // Never earlier than the order's own time: the clock may not be monotonic.
            let now = max(Int(Date().timeIntervalSince1970), order.updatedAt)
            do {
                let result = try connection.queryPrepared(NewOrder.statusUpdate, [order.userID, order.id, status, now])
                guard result.commandTag == "UPDATE 1" else {
                    // The acknowledged row is not where it must be: the ledger check reports it as lost.
                    errors["update found no row", default: 0] += 1
                    return false
                }
                acknowledged[position].status = status
                acknowledged[position].updatedAt = now
                acknowledged[position].maybeStatus = nil
                acknowledged[position].maybeUpdatedAt = nil
                updates += 1
                return true
            } catch {
                // A statement the server refused changed nothing; one whose outcome is unknown may have landed.
                if LoadGenerator.outcomeUnknown(after: error, connectionOpen: connection.isOpen) {
                    acknowledged[position].maybeStatus = status
                    acknowledged[position].maybeUpdatedAt = now
                }
                failed(error)
                return false
            }
        }

        private func failed(_ error: Error) {
            let state =
                (error as? DatabaseError)?.sqlState
                ?? (error is ReplyDeadlineExceeded ? "client deadline" : "connection")
            errors[state, default: 0] += 1
            if errorExamples[state] == nil { errorExamples[state] = (error as? DatabaseError)?.message ?? "\(error)" }
            if !connection.isOpen { reconnect() }
        }

        private func reconnect() {
            // The last transaction's COMMIT may or may not have landed: it is in doubt, never acknowledged.
            inDoubt += 1
            connection.close()
            while generator.shouldContinue(at: Date(), started: started) {
                if let fresh = try? generator.cluster.connect("load writer \(index + 1)") {
                    // Kept once: a connection never replaced is still `connection`, counted at the end.
                    closedExchanges = closedExchanges + connection.statistics
                    connection = fresh
                    return
                }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
    }

    fileprivate final class SharedState: @unchecked Sendable {
        private let lock = NSLock()
        private var stopped = false
        private var committed = 0
        private var errors = 0
        private var lastAcknowledged = 0.0
        private var longest = 0.0

        /// An acknowledgement `seconds` after the start: the longest time without one, over all
        /// writers, kept as it happens (no list of moments held).
        func acknowledge(at seconds: Double) {
            lock.withLock {
                longest = max(longest, seconds - lastAcknowledged)
                lastAcknowledged = max(lastAcknowledged, seconds)
            }
        }
        /// The longest gap, the stretch from the last acknowledgement to the end included.
        func longestGap(until end: Double) -> Double { lock.withLock { max(longest, end - lastAcknowledged) } }

        var isStopped: Bool { lock.withLock { stopped } }
        var committedCount: Int { lock.withLock { committed } }
        func stop() { lock.withLock { stopped = true } }
        func count(committed ok: Bool) { lock.withLock { if ok { committed += 1 } else { errors += 1 } } }
        func progress(since started: Date) -> LoadProgress {
            lock.withLock {
                LoadProgress(seconds: Date().timeIntervalSince(started), committed: committed, errors: errors)
            }
        }
    }
}
