extension Cluster {
    /// Runs `body` against a database of its own on the coordinator (`<database>_<suffix>`, with the
    /// base tables created), dropped afterwards whatever happens: for checks that must not touch
    /// the lifecycle's tables (a refused seed run, another seed, a planted failure).
    public func withScratchDatabase<T>(_ suffix: String, baseTables: Bool = true, _ body: (Cluster) throws -> T) throws
        -> T
    {
        var configuration = self.configuration
        configuration.database += "_" + suffix
        let quoted = SQLIdentifier.quote(configuration.database)
        let admin = try connect("coordinator (scratch database)", database: "postgres")
        defer {
            _ = try? admin.dropDatabase(configuration.database)
            admin.close()
        }
        try admin.dropDatabase(configuration.database)
        try admin.execute("CREATE DATABASE \(quoted)")
        let scratch = Cluster(configuration: configuration)
        defer { scratch.disconnectAll() }
        if baseTables { try scratch.run(.createBaseTables) }
        return try body(scratch)
    }
}
