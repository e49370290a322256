import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// Network faults between Citus and one worker, through a relay the suite controls (`FaultProxy`):
/// the worker is registered under the relay's port, so everything that reaches it by its
/// registered name goes through the relay. Each fault lands at an exact step of a shard move
/// (`MovePause`). After each: every acknowledged write holds, the audit finds nothing, the move run
/// again completes, every table equals the baseline. Embedded cluster only.
@Suite(
    """
    Network faults at exact steps of a shard move: resets and silence, nothing acknowledged lost, the re-run \
    completes
    """,
    .serialized, .requiresCitus, .requiresLocalCluster, .exclusiveCluster)
struct NetworkFaultTests {
    let shared: Cluster
    init() throws { shared = try Cluster.shared() }

    enum Scenario: String, CaseIterable, CustomStringConvertible, Sendable {
        case resetDuringCopy = "connections to the target reset during the initial copy"
        case silentDuringCatchUp = "the source's new connections silently dropped during catch-up"
        case resetBeforeCutover = "connections to the target reset right before cutover"
        var description: String { rawValue }
        /// Which worker sits behind the relay: the target, or the source (the target's subscription
        /// connects to the source by its registered name).
        var proxiesSource: Bool { self == .silentDuringCatchUp }
        var point: MovePause.Point { self == .resetBeforeCutover ? .beforeCutover : .beforeCopy }
        var mode: FaultProxy.Mode { self == .silentDuringCatchUp ? .blackholeNew : .reset }
    }

    @Test(
        """
        A network fault at an exact step of a shard move: a clear outcome, every acknowledged write holds, the \
        audit finds nothing, the re-run completes
        """,
        .faultScenario, arguments: Scenario.allCases)
    func networkFault(_ scenario: Scenario) throws {
        let index = scenario.proxiesSource ? 0 : shared.configuration.workers.count - 1
        let proxy = try FaultProxy(to: shared.configuration.workers[index].testAddress)
        defer { proxy.close() }
        // The same cluster, with the one worker registered under the relay's port.
        var configuration = shared.configuration
        configuration.workers[index].registeredAddress = proxy.address
        let cluster = Cluster(configuration: configuration)
        defer { cluster.disconnectAll() }
        shared.disconnectAll()
        try cluster.lifecycle.resetToBaseline()
        try cluster.lifecycle.distribute()
        let source = configuration.workers[0]
        let target = configuration.addedWorker
        let shard = try cluster.lifecycle.prepareHeldMove(from: source)
        if scenario == .silentDuringCatchUp {
            // Citus's own bound on a catch-up that makes no progress (default two hours).
            try cluster.coordinator.execute("ALTER SYSTEM SET citus.logical_replication_timeout = '5s'")
            try cluster.coordinator.execute("SELECT pg_reload_conf()")
        }
        defer {
            if scenario == .silentDuringCatchUp {
                _ = try? cluster.coordinator.execute("ALTER SYSTEM RESET citus.logical_replication_timeout")
                _ = try? cluster.coordinator.execute("SELECT pg_reload_conf()")
            }
        }
        let run = try cluster.lifecycle.moveHeld(
            shard, to: target, at: scenario.point, writers: .ledger(seed: 40),
            moveTimeLimit: .seconds(scenario == .silentDuringCatchUp ? 20 : 60),
            inject: { _ in proxy.set(scenario.mode) }, afterMove: { proxy.set(.pass) })
        #expect(run.statusWhileHeld == scenario.point.citusStatus, "the move is held \(scenario.point)")
        // The fault also broke the sessions' cached connections to the worker (Citus reports
        // "SSL SYSCALL error: EOF detected" once on the next use): start from new sessions, as a
        // client reconnecting after an error would.
        cluster.disconnectAll()
        let outcome = run.outcome
        switch outcome {
        case .success(let report): print("network fault, \(scenario): the move completed anyway: \(report)")
        case .failure(let error): print("network fault, \(scenario): the move failed: \(error)")
        }
        if scenario == .silentDuringCatchUp {
            // A silent connection is ended by a bound, never waited on for ever: Citus's own
            // (logical_replication_timeout, set to 5 s here), or the suite's: its statement_timeout
            // (57014) or its client-side watch of the move (OperationStalled), whichever ends first
            // (seen both ways here, as in JobFaultTests).
            #expect { try outcome.get() } throws: {
                "\($0)".contains("logical replication waiting timeout") || "\($0)".contains("57014")
                    || $0 is OperationStalled
            }
            let whose =
                (try? outcome.get()) == nil && "\(outcome)".contains("logical replication waiting timeout")
                ? "Citus's logical_replication_timeout (5 s)"
                : "the suite's own bound (20 s), not Citus's logical_replication_timeout (5 s)"
            print("network fault, \(scenario): the move was ended by \(whose)")
        }
        try cluster.lifecycle.expectRecovered(
            from: "\(scenario)", operation: "shard move \(source.name) → \(target.name)",
            outcome: outcome, writes: run.writes
        ) {
            let rerun = try cluster.lifecycle.moveShard(shard, to: target, timeLimit: .seconds(120))
            let placed = try rerun.placementAfter()
            #expect(placed.shard == shard && placed.node == target.registeredAddress, "\(placed)")
        }
        Evidence.note(
            """
            \(scenario): \((try? outcome.get()) == nil ? "the move failed" : "the move completed"); \
            \(proxy.connections) connections through the relay; writes held, audit clean, re-run completed
            """
        )
        // The shared cluster's next user starts from a fresh baseline (this one names the relay).
        try cluster.lifecycle.resetToBaseline()
    }
}
