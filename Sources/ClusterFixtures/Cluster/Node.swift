import Foundation

/// One PostgreSQL server of the cluster, named as everywhere else (`coordinator`, `worker1`, …),
/// with the small query vocabulary every node shares: `value`, `row`, `rows`, `execute`,
/// `poll(_:until:)`. The coordinator and the workers are asked the same way, so a per-node check
/// is one line whichever node it is about.
public struct Node: Sendable, CustomStringConvertible {
    /// `coordinator`, `worker1`, `worker2`, …
    public let name: String
    /// Where the tests reach the node.
    public let address: NodeAddress
    /// Where Citus knows it (`citus_add_node`'s address); the coordinator's own address for it.
    public let registeredAddress: NodeAddress
    let cluster: Cluster

    public var description: String { "\(name) (\(address))" }

    /// The node's kept connection to the suite's database (reopened when the server closed it).
    public var connection: Connection { get throws { try cluster.cachedConnection(name, at: address) } }

    /// The first column of the only row, as `T`.
    public func value<T: SQLDecodable>(_ sql: String, _ parameters: [any SQLParameter] = [], as type: T.Type = T.self)
        throws -> T
    {
        try row(sql, parameters).get(0, as: type)
    }

    /// Exactly one row; anything else is an error naming the node and the query.
    public func row(_ sql: String, _ parameters: [any SQLParameter] = []) throws -> Row {
        let rows = try self.rows(sql, parameters)
        guard rows.count == 1 else {
            throw DatabaseError(
                node: name, message: "expected one row, got \(rows.count)", location: Connection.excerpt(sql))
        }
        return rows[0]
    }

    public func rows(_ sql: String, _ parameters: [any SQLParameter] = []) throws -> [Row] {
        try connection.query(sql, parameters).rows
    }

    /// Runs statements that return nothing the caller needs: one or more without parameters, or
    /// one with `$1`, `$2`, … bound to `parameters`.
    public func execute(_ sql: String, _ parameters: [any SQLParameter] = []) throws {
        if parameters.isEmpty {
            _ = try connection.execute(sql)
        } else {
            _ = try connection.query(sql, parameters)
        }
    }

    /// Transactions prepared in the suite's database on this node (PREPARE TRANSACTION, Citus's
    /// two-phase commit) and not yet committed or rolled back: what Citus's recovery, the audit and
    /// the reset each ask about.
    public func preparedTransactionCount() throws -> Int {
        try value("SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()", as: Int.self)
    }

    /// The version of Citus's extension in the suite's database on this node (`13.2-1`): what an
    /// upgrade moves, and what the upgrade's checks compare before and after.
    public func citusExtensionVersion() throws -> String {
        try value("SELECT extversion FROM pg_extension WHERE extname = 'citus'", as: String.self)
    }

    /// Asks `sql`'s single value again every `interval` until `condition` holds; returns that
    /// value. Past `timeLimit` an error names the node, the query and the last value seen.
    @discardableResult
    public func poll<T: SQLDecodable & Sendable>(
        _ sql: String, _ parameters: [any SQLParameter] = [], as type: T.Type = T.self,
        every interval: Duration = .milliseconds(100), timeLimit: Duration = .seconds(60),
        until condition: (T) -> Bool
    ) throws -> T {
        try Polling.until(timeLimit: timeLimit, every: interval, what: "\(name): \(Connection.excerpt(sql))") {
            let value = try self.value(sql, parameters, as: type)
            return condition(value) ? value : nil
        }
    }
}

/// A node name that is not in the configuration.
public struct UnknownNode: Error, CustomStringConvertible {
    public var name: String
    public var known: [String]
    public var description: String {
        "no node named '\(name)' in the configuration; the nodes are \(known.joined(separator: ", "))"
    }
}

extension Cluster {
    /// The coordinator, as a `Node`.
    public var coordinator: Node {
        Node(
            name: "coordinator", address: configuration.coordinator, registeredAddress: configuration.coordinator,
            cluster: self)
    }

    /// Every configured worker, in order (`worker1`, `worker2`, …).
    public var workers: [Node] {
        configuration.workers.map {
            Node(name: $0.name, address: $0.testAddress, registeredAddress: $0.registeredAddress, cluster: self)
        }
    }

    /// The coordinator, then every configured worker: the nodes a per-node check walks.
    public var nodes: [Node] { [coordinator] + workers }

    /// The node called `name` (`coordinator`, `worker1`, …): the one way to name a node.
    public func node(_ name: String) throws -> Node {
        if name == "coordinator" { return coordinator }
        guard let node = workers.first(where: { $0.name == name }) else {
            throw UnknownNode(name: name, known: ["coordinator"] + configuration.workers.map(\.name))
        }
        return node
    }
}
