extension Connection {
    /// Whether database `name` exists on this connection's server (asked from any database on it).
    public func databaseExists(_ name: String) throws -> Bool {
        try query("SELECT count(*) AS n FROM pg_database WHERE datname = $1", [name]).single().get(
            "n", as: Int.self) == 1
    }
}
