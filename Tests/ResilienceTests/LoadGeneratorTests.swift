import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// The load generator's own honesty: bounded memory without a ledger, and latency that counts a
/// stall against every transaction queued behind it (no coordinated omission).
@Suite(
    "Load generator: bounded memory without a ledger, latency from the schedule under a rate", .serialized,
    .exclusiveCluster)
struct LoadGeneratorTests {
    /// Runs `options` on a thread of its own while `meanwhile` runs here; returns the report.
    func run(_ options: LoadGenerator.Options, meanwhile: () throws -> Void = {}) throws -> LoadReport {
        let cluster = try Cluster.shared()
        let generator = LoadGenerator(cluster: cluster, options: options)
        let writers = BlockingWork("writers") { try generator.run() }
        try meanwhile()
        return try writers.value()
    }

    @Test("Without a ledger each writer keeps only its latest orders, and every committed order is counted and there")
    func boundedWithoutLedger() throws {
        let cluster = try Cluster.shared()
        try cluster.lifecycle.ensure(.baseline)
        defer { _ = try? cluster.lifecycle.removeLoadRows() }
        // The writers run until they have committed more than they can keep (four windows, the
        // database's count, within 60 s), not for a fixed time: on a loaded machine 2 s held
        // fewer commits than the windows, and the test judged the machine's speed.
        var options = LoadGenerator.Options(connections: 2, duration: 60, seed: 11, updateShare: 0.2)
        options.keepsLedger = false
        options.recentOrders = 50
        let generator = LoadGenerator(cluster: cluster, options: options)
        let writers = BlockingWork("writers") { try generator.run() }
        _ = try? Polling.until(
            timeLimit: .seconds(60), every: .milliseconds(200), what: "writers past four kept windows"
        ) {
            try cluster.coordinator.value(
                "SELECT count(*) FROM orders WHERE metadata ->> 'source' = 'load'", as: Int.self)
                > 4 * options.recentOrders ? true : nil
        }
        generator.stop()
        let report = try writers.value()
        #expect(report.acknowledged.isEmpty, "no list of acknowledged orders is handed back without a ledger")
        #expect(
            report.committed > 2 * 2 * options.recentOrders, "more orders than the writers kept: \(report.committed)")
        let landed = try cluster.coordinator.value(
            "SELECT count(*) FROM orders WHERE metadata ->> 'source' = 'load'", as: Int.self)
        #expect(landed == report.committed, "the count is the database's, not the kept window's")
        Evidence.note(
            """
            load without ledger: \(report.committed) orders committed and found, at most \
            \(2 * options.recentOrders) kept per writer
            """
        )
    }

    @Test("Under --rate, a 1 s lock on orders delays every transaction due meanwhile, and p95 shows it")
    func latencyFromSchedule() throws {
        let cluster = try Cluster.shared()
        try cluster.lifecycle.ensure(.baseline)
        defer { _ = try? cluster.lifecycle.removeLoadRows() }
        let stall = 1.0
        let report = try run(.init(connections: 1, rate: 40, duration: 3, seed: 12)) {
            Thread.sleep(forTimeInterval: 0.5)
            let blocker = try cluster.connect("stall")
            defer { blocker.close() }
            try blocker.execute("BEGIN; LOCK TABLE orders IN SHARE MODE")
            Thread.sleep(forTimeInterval: stall)
            try blocker.execute("COMMIT")
        }
        // About 40 of the ~120 orders were due during the stall, each waiting up to 1 s: the
        // slowest 5% all waited most of it. Timed from the send, only one order would show it and
        // p95 would be a few milliseconds.
        #expect(report.latency.p95 >= stall * 1000 / 4, "p95 \(report.latency.p95) ms, max \(report.latency.max) ms")
        #expect(
            report.latency.max >= stall * 1000 * 0.9,
            "the first order blocked waited the whole stall: \(report.latency.max) ms")
        #expect(
            report.longestWriteGap >= stall * 0.9, "no acknowledgement during the stall: \(report.longestWriteGap) s")
        Evidence.note(
            String(
                format:
                    "rate 40/s, 1 s lock: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms; longest write gap %.2f s",
                report.latency.p50, report.latency.p95, report.latency.p99, report.latency.max, report.longestWriteGap))
    }
}
