/// Starting a stopped node again in a fault test: one sequence each, since each step matters.
extension Cluster {
    /// Starts `worker` (stopped by a fault) through the embedded cluster's script, waits (bounded)
    /// until the coordinator reaches it as Citus does, then drops every kept connection: those
    /// opened to the node before it stopped are dead, and the next query on one fails with
    /// "SSL SYSCALL error: EOF detected" (seen on the five-worker run).
    public func startAgain(_ worker: ClusterConfiguration.Worker, through local: LocalCluster) throws {
        try local.start(worker.name)
        try coordinator.poll(
            "SELECT citus_check_connection_to_node($1, $2)",
            [worker.registeredAddress.host, worker.registeredAddress.port], as: Bool.self,
            every: .milliseconds(200), timeLimit: .seconds(60)
        ) { $0 }
        disconnectAll()
    }

    /// Starts the coordinator (crashed or stopped by a fault) through the embedded cluster's script,
    /// drops every kept connection (each broke with it) and waits, bounded, until it answers.
    public func startCoordinatorAgain(through local: LocalCluster) throws {
        try local.start("coordinator")
        disconnectAll()
        try coordinator.poll("SELECT 1", as: Int.self, every: .milliseconds(200), timeLimit: .seconds(60)) { $0 == 1 }
    }
}
