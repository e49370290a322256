import Foundation

/// A ready cluster handed to every test: its configuration and its nodes (`coordinator`, `workers`,
/// `nodes`), each asked through the one vocabulary of `Node` (`value`, `row`, `rows`, `execute`,
/// `poll`), so a test body is a few readable lines whichever node it is about.
public final class Cluster: @unchecked Sendable {
    public let configuration: ClusterConfiguration
    private var cached: [String: Connection] = [:]
    private let lock = NSLock()

    /// The tables the lifecycle carries from Phase 1 to Phase 4, in foreign-key order.
    public static let tables = ["regions", "users", "orders", "order_items"]

    public init(configuration: ClusterConfiguration) {
        self.configuration = configuration
    }

    /// The cluster from the environment (see `ClusterConfiguration.load`), once per process.
    public static func shared() throws -> Cluster { try sharedResult.get() }
    private static let sharedResult = Result { Cluster(configuration: try ClusterConfiguration.load()) }

    // MARK: Connections

    /// A fresh connection the caller owns (for work on another thread, or another database).
    public func connect(_ label: String = "coordinator", at address: NodeAddress? = nil, database: String? = nil) throws
        -> Connection
    {
        let connection = try Connection(
            label: label, address: address ?? configuration.coordinator,
            database: database ?? configuration.database,
            user: configuration.user, password: configuration.password)
        connection.replyDeadline = configuration.queryDeadline
        return connection
    }

    /// Closes every kept connection (before databases are dropped, or nodes restarted).
    public func disconnectAll() {
        lock.withLock {
            for connection in cached.values { connection.close() }
            cached = [:]
        }
    }

    func cachedConnection(_ label: String, at address: NodeAddress) throws -> Connection {
        try lock.withLock {
            // A kept connection the server has since closed (a node restarted, a database dropped)
            // is replaced; one that fails mid-statement still reports that failure to its caller.
            if let connection = cached[label], connection.isOpen { return connection }
            let connection = try connect(label, at: address)
            cached[label] = connection
            return connection
        }
    }

    /// The psql variables the project's SQL files use, from the configuration: `workers` for
    /// Phase 2 (every worker but the last, host:port,…) and `new_worker_host`/`new_worker_port`
    /// for the worker Phase 3 adds.
    public var sqlVariables: [String: String] {
        [
            "workers": configuration.initialWorkers.map { "\($0.registeredAddress)" }.joined(separator: ","),
            "new_worker_host": configuration.addedWorker.registeredAddress.host,
            "new_worker_port": String(configuration.addedWorker.registeredAddress.port),
        ]
    }

    /// Runs one of the project's SQL files on the coordinator, statement by statement.
    @discardableResult
    public func run(_ file: SQLFile, variables: [String: String] = [:], on connection: Connection? = nil) throws
        -> ScriptResults
    {
        let script = try file.script(variables: sqlVariables.merging(variables) { _, given in given })
        return try (connection ?? coordinator.connection).run(script)
    }

    /// Checksums of the lifecycle's tables, in `tables` order.
    public func checksums() throws -> [TableChecksum] {
        try Self.tables.map { try TableChecksum.compute($0, on: coordinator.connection) }
    }

    /// The expected shard count of a newly distributed table: the configuration's
    /// (`CITUS_VERIFY_SHARD_COUNT`), else the server's `citus.shard_count` read on a fresh
    /// connection, which no `SET` in a step's session can have changed.
    public func expectedShardCount() throws -> Int {
        if let configured = configuration.shardCount { return configured }
        let fresh = try connect("coordinator (fresh)")
        defer { fresh.close() }
        return try fresh.query("SELECT current_setting('citus.shard_count')::int AS shards").single().get("shards")
    }

    /// The worker name (`worker2`) for a node as Citus's metadata names it.
    public func workerName(host: String, port: Int) -> String {
        configuration.workers.first { $0.registeredAddress == NodeAddress(host: host, port: port) }?.name
            ?? "\(host):\(port)"
    }
}
