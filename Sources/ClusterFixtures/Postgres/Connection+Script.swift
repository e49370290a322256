extension Connection {
    /// Runs a file from `sql/` statement by statement, as `psql -v ON_ERROR_STOP=1 -f` would, and
    /// returns each statement's result. A failure names the file and line of the statement. A
    /// file that begins a transaction must end it: one left open (which psql would end by
    /// closing the session, rolling it back, while `\i` in a session would leave it open) is an
    /// error naming the file; so is anything else it leaves in the session: a temporary table or
    /// function, a setting it SET without its RESET.
    @discardableResult
    public func run(_ script: SQLScript) throws -> ScriptResults {
        let started = ContinuousClock.now
        defer { ScriptTimeLog.record(script.name, seconds: started.duration(to: .now).seconds) }
        let wasInTransaction = isInTransaction
        let sessionBefore = try sessionState()
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
        // What outlives the file in its session changes the next run there (the tool's next step,
        // psql's \i again): a temporary table or function makes it fail on CREATE, a setting
        // changes what its statements do. A file drops what it creates and resets what it sets.
        let left = try sessionState().left(since: sessionBefore)
        guard left.isEmpty else {
            throw DatabaseError(
                node: node,
                message: """
                    \(script.name) leaves its session changed: \(left.joined(separator: "; ")) (every CREATE TEMP \
                    needs its DROP, every SET its RESET)
                    """)
        }
        return results
    }

    /// What a file can leave behind in this session.
    private func sessionState() throws -> SessionState {
        let objects = try query(
            """
            SELECT 'temporary table' AS kind, relname::text AS name FROM pg_class
            WHERE relnamespace = pg_my_temp_schema()
            UNION ALL
            SELECT 'temporary function', proname::text FROM pg_proc WHERE pronamespace = pg_my_temp_schema()
            UNION ALL
            SELECT 'setting', name || ' = ' || current_setting(name) FROM pg_settings WHERE source = 'session'
            """
        ).rows
        return SessionState(
            items: Set(
                try objects.map { "\(try $0.get("kind", as: String.self)) \(try $0.get("name", as: String.self))" }))
    }
}
