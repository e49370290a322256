import Foundation

/// What a shard move held at an exact step, with a fault injected there, came to.
public struct HeldMoveRun: Sendable {
    /// What `get_rebalance_progress()` said of the move while it was held: the evidence that it was
    /// held where claimed ("Setting Up" before the copy, "Final Catchup" before the cutover).
    public var statusWhileHeld: String?
    /// The move's own outcome once let go.
    public var outcome: Result<OperationReport, any Error>
    /// What the writers acknowledged meanwhile.
    public var writes: LoadReport
}

/// The held move ended (or never began) before reaching its step: no fault was injected at it.
public struct MoveNotHeld: Error, CustomStringConvertible {
    public var reason: any Error
    public var move: String
    public var description: String { "\(reason); the move itself: \(move)" }
}

/// The held move did not return within its bound after the fault.
public struct HeldMoveHung: Error, CustomStringConvertible {
    public var seconds: Int
    public var description: String { "the move did not return within \(seconds) s of the fault" }
}

extension Lifecycle {
    /// The stage every held-move fault starts from: distributed, the last worker added, and its
    /// copies of the reference tables already made (that copy is a logical transfer too, and
    /// `35_move_shard.sql` starts with it: the pause must hold the shard group's move, not that).
    /// Returns the lowest `orders` shard on `source`: the one the fault's move takes.
    @discardableResult
    public func prepareHeldMove(from source: ClusterConfiguration.Worker) throws -> Int64 {
        try addWorker()
        try cluster.coordinator.execute("SELECT replicate_reference_tables(shard_transfer_mode => 'force_logical')")
        return try lowestOrdersShard(on: source)
    }

    /// The lowest `orders` shard placed on `worker`: the one a fault's move takes.
    public func lowestOrdersShard(on worker: ClusterConfiguration.Worker) throws -> Int64 {
        try cluster.coordinator.value(
            """
            SELECT min(shardid) FROM citus_shards
            WHERE table_name = 'orders'::regclass AND nodename = $1 AND nodeport = $2
            """, [worker.registeredAddress.host, worker.registeredAddress.port])
    }

    /// Moves `shard` to `target` (`35_move_shard.sql`) while `writers` run, holds the move at
    /// `point` (`MovePause`, the setting on in the move's session only), calls `inject` with the
    /// held move's backend pid, lets it go, waits (bounded) for its outcome and calls `afterMove`
    /// (while the writers still run: a relay set back to pass, say). Embedded cluster
    /// only: the pause's setting is superuser-only and meant for the suite's own cluster.
    public func moveHeld(
        _ shard: Int64, to target: ClusterConfiguration.Worker, at point: MovePause.Point,
        writers: LoadGenerator.Options, moveTimeLimit: Duration = .seconds(90),
        inject: (_ pid: Int) throws -> Void, afterMove: () -> Void = {}
    ) throws -> HeldMoveRun {
        let pause = try MovePause(point, on: cluster)
        defer { pause.release() }
        var status: String?
        let run = try withWriters(writers) { () throws -> Result<OperationReport, any Error> in
            let move = BlockingWork("move held \(point)") { [self] in
                try moveShard(shard, to: target, timeLimit: moveTimeLimit, settings: [MovePause.setting: "on"])
            }
            let pid: Int
            do { pid = try pause.waitUntilReached(timeLimit: .seconds(60)) } catch {
                throw MoveNotHeld(reason: error, move: move.wait(.seconds(1)).map { "\($0)" } ?? "still running")
            }
            status = try pause.heldStatus(of: shard)
            try inject(pid)
            pause.release()
            let bound = Int(moveTimeLimit.seconds) + 30
            let outcome = move.wait(.seconds(bound)) ?? .failure(HeldMoveHung(seconds: bound))
            afterMove()
            return outcome
        }
        return HeldMoveRun(statusWhileHeld: status, outcome: try run.get(), writes: run.writes)
    }
}
