extension Connection {
    /// Runs a file from `sql/` statement by statement, as `psql -v ON_ERROR_STOP=1 -f` would, and
    /// returns each statement's result. A failure names the file and line of the statement. A
    /// file that begins a transaction must end it: one left open (which psql would end by
    /// closing the session, rolling it back, while `\i` in a session would leave it open) is an
    /// error naming the file; so is a temporary table it leaves in the session.
    @discardableResult
    public func run(_ script: SQLScript) throws -> ScriptResults {
        let started = ContinuousClock.now
        defer { ScriptTimeLog.record(script.name, seconds: started.duration(to: .now).seconds) }
        let wasInTransaction = isInTransaction
        let temporaryBefore = try temporaryTables()
        let results = ScriptResults(
            script: script,
            all: try script.statements.map { statement in
                do { return try execute(statement.text) } catch let error as DatabaseError {
                    throw error.located(at: script.location(of: statement))
                } catch let error as ReplyDeadlineExceeded {
                    throw error.located(at: script.location(of: statement))
                }
            })
        if !wasInTransaction && isInTransaction {
            _ = try? execute("ROLLBACK")
            throw DatabaseError(
                node: node,
                message: "\(script.name) leaves a transaction open: every BEGIN needs its COMMIT or ROLLBACK")
        }
        // A temporary table outlives the file in its session: a second run there (the tool's next
        // step, psql's \i again) fails on CREATE TEMP TABLE, so a file drops what it creates.
        let left = try temporaryTables().subtracting(temporaryBefore)
        guard left.isEmpty else {
            throw DatabaseError(
                node: node,
                message: """
                    \(script.name) leaves temporary tables in its session (\(left.sorted().joined(separator: ", "))): \
                    every CREATE TEMP TABLE needs its DROP TABLE
                    """)
        }
        return results
    }

    /// The temporary tables of this session.
    private func temporaryTables() throws -> Set<String> {
        Set(
            try query("SELECT relname::text AS name FROM pg_class WHERE relnamespace = pg_my_temp_schema()").rows
                .map { try $0.get("name", as: String.self) })
    }
}
