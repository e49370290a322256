import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// Faults injected at an exact step of an online shard move, with writers active: the move is held
/// at "before copy" or "before cutover" by Citus's own test-suite advisory locks (`MovePause`), the
/// fault is injected there, the move let go. Then, every time: every acknowledged write holds (all
/// columns), the audit finds nothing on any node, the move run again completes, and every table
/// equals the baseline. Embedded cluster only: the faults stop nodes.
@Suite(
    "Faults at exact steps of a shard move: nothing acknowledged lost, no debris, the move re-run completes",
    .serialized, .requiresCitus, .requiresLocalCluster, .exclusiveCluster)
struct ExactPhaseFaultTests {
    let cluster: Cluster
    let local: LocalCluster

    init() throws {
        cluster = try Cluster.shared()
        local = LocalCluster(directory: cluster.configuration.localClusterDirectory)
    }

    enum Fault: String, CaseIterable, CustomStringConvertible, Sendable {
        case targetStopped = "the target worker stopped abruptly"
        case sourceStopped = "the source worker stopped abruptly"
        case moveTerminated = "the move's own session terminated"
        var description: String { rawValue }
    }

    /// The move goes from the first worker to the one Phase 3 adds, as in the lifecycle.
    var source: ClusterConfiguration.Worker { cluster.configuration.workers[0] }
    var target: ClusterConfiguration.Worker { cluster.configuration.addedWorker }

    /// Every step with every fault; `CITUS_VERIFY_SCENARIO` (text of "<fault>, <step>", e.g. "source
    /// worker stopped abruptly, before cutover") keeps the matching cases only: `make repeat-fault`
    /// runs one scenario many times with it.
    static let cases: [(MovePause.Point, Fault)] = {
        let all = MovePause.Point.allCases.flatMap { point in Fault.allCases.map { (point, $0) } }
        guard let wanted = ProcessInfo.processInfo.environment["CITUS_VERIFY_SCENARIO"], !wanted.isEmpty else {
            return all
        }
        return all.filter { "\($0.1), \($0.0)".contains(wanted) }
    }()

    @Test(
        """
        A fault at an exact step of a shard move: a clear outcome, every acknowledged write holds, the audit \
        finds nothing, the re-run completes
        """,
        .faultScenario, arguments: cases)
    func faultAtStep(_ point: MovePause.Point, _ fault: Fault) throws {
        try cluster.lifecycle.ensure(.distributed)
        let shard = try cluster.lifecycle.prepareHeldMove(from: source)
        let stopped = fault == .targetStopped ? target : fault == .sourceStopped ? source : nil
        let run: HeldMoveRun
        do {
            run = try cluster.lifecycle.moveHeld(shard, to: target, at: point, writers: .ledger(seed: 20)) { pid in
                switch fault {
                case .targetStopped, .sourceStopped: try local.kill(stopped!.name)
                case .moveTerminated:
                    _ = try cluster.coordinator.value("SELECT pg_terminate_backend($1::int)", [pid], as: Bool.self)
                }
            }
        } catch {
            if let stopped { try? cluster.startAgain(stopped, through: local) }
            throw error
        }
        if let stopped {
            try cluster.startAgain(stopped, through: local)
        }
        #expect(run.statusWhileHeld == point.citusStatus, "the move is held \(point)")
        let outcome = run.outcome
        switch outcome {
        case .success(let report): print("fault at \(point), \(fault): the move completed anyway: \(report)")
        case .failure(let error):
            print("fault at \(point), \(fault): the move failed: \(error)")
            #expect(!"\(error)".isEmpty)
        }
        try cluster.lifecycle.expectRecovered(
            from: "\(fault), \(point)", operation: "shard move \(source.name) → \(target.name)",
            outcome: outcome, writes: run.writes
        ) {
            let rerun = try cluster.lifecycle.moveShard(shard, to: target, timeLimit: .seconds(120))
            let placed = try rerun.placementAfter()
            #expect(placed.shard == shard && placed.node == target.registeredAddress, "\(placed)")
        }
        Evidence.note(
            """
            fault at \(point), \(fault): \
            \((try? outcome.get()) == nil ? "the move failed" : "the move completed"); writes held, audit clean, \
            re-run completed
            """
        )
    }
}
