extension Cluster {
    /// Runs `body` in a transaction on a coordinator connection of its own, then rolls it back
    /// and closes the connection: for looking at what a change would do (a plan, a query's answer
    /// on data made for it) without leaving the change. A connection of its own, because a kept
    /// connection reopened after BEGIN would run the rest outside the transaction and commit it.
    public func rolledBack<T>(_ name: String, _ body: (Connection) throws -> T) throws -> T {
        let connection = try connect("coordinator (\(name))")
        defer { connection.close() }
        try connection.execute("BEGIN")
        defer { _ = try? connection.execute("ROLLBACK") }
        return try body(connection)
    }
}
