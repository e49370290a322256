extension Connection {
    /// Runs a file from `sql/` statement by statement, as `psql -v ON_ERROR_STOP=1 -f` would, and
    /// returns each statement's result. A failure names the file and line of the statement.
    @discardableResult
    public func run(_ script: SQLScript) throws -> ScriptResults {
        ScriptResults(script: script, all: try script.statements.map { statement in
            do { return try execute(statement.text) } catch let error as DatabaseError {
                throw error.located(at: script.location(of: statement))
            }
        })
    }
}
