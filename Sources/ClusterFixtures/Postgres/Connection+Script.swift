extension Connection {
    /// Runs a file from `sql/` statement by statement, as `psql -v ON_ERROR_STOP=1 -f` would, and
    /// returns each statement's result. A failure names the file and line of the statement. A
    /// file that begins a transaction must end it: one left open (which psql would end by
    /// closing the session, rolling it back, while `\i` in a session would leave it open) is an
    /// error naming the file.
    @discardableResult
    public func run(_ script: SQLScript) throws -> ScriptResults {
        let wasInTransaction = isInTransaction
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
        return results
    }
}
