/// One shard move Citus's rebalancer plans (`get_rebalance_table_shards_plan`), as the dry runs
/// print it: nothing has moved.
public struct PlannedMove: Codable, Sendable, Equatable {
    public var table: String
    public var shardID: Int64
    public var bytes: Int64
    /// Worker names (`worker1`), or host:port for a node the configuration does not name.
    public var source: String
    public var target: String
}

extension Lifecycle {
    /// The moves `31_rebalance_shards.sql` would make (`36_plan_rebalance.sql`).
    public func planRebalance() throws -> [PlannedMove] {
        try requireDistributedTables()
        return try plannedMoves(in: cluster.run(.planRebalance))
    }

    /// The moves draining `worker` would make (`37_plan_drain.sql`, rolled back: nothing changes).
    public func planDrain(_ worker: ClusterConfiguration.Worker) throws -> [PlannedMove] {
        try requireDistributedTables()
        let address = worker.registeredAddress
        guard try cluster.isRegistered(address) else {
            throw ReshardRefused(description: "\(worker.name) (\(address)) is not registered: nothing to drain")
        }
        let connection = try cluster.connect("coordinator (drain plan)")
        defer { connection.close() }
        return try plannedMoves(
            in: cluster.run(
                .planDrain,
                variables: ["drain_host": address.host, "drain_port": String(address.port)], on: connection))
    }

    private func plannedMoves(in results: ScriptResults) throws -> [PlannedMove] {
        try results.named("planned_moves").rows.map { row in
            PlannedMove(
                table: try row.get("table_name"), shardID: try row.get("shardid"), bytes: try row.get("shard_size"),
                source: cluster.workerName(host: try row.get("sourcename"), port: try row.get("sourceport")),
                target: cluster.workerName(host: try row.get("targetname"), port: try row.get("targetport")))
        }
    }
}
