extension Connection {
    /// Runs a file from `sql/` statement by statement, as `psql -v ON_ERROR_STOP=1 -f` would, and
    /// returns each statement's result. A failure names the file and line of the statement. A
    /// file that begins a transaction must end it: one left open (which psql would end by
    /// closing the session, rolling it back, while `\i` in a session would leave it open) is an
    /// error naming the file; so is anything else it leaves in the session: a temporary table or
    /// function, a setting it SET without its RESET, a setting of its caller's it RESET. A refused
    /// file's session is put back as the file found it (see `restore`).
    @discardableResult
    public func run(_ script: SQLScript) throws -> ScriptResults {
        let started = ContinuousClock.now
        defer { ScriptTimeLog.record(script.name, seconds: started.duration(to: .now).seconds) }
        let wasInTransaction = isInTransaction
        let namedSettings = SessionState.settingNames(in: script.statements.map(\.text))
        let sessionBefore = try sessionState(reading: namedSettings)
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
        let sessionAfter = try sessionState(reading: namedSettings.union(sessionBefore.settings.keys))
        let left = sessionAfter.left(since: sessionBefore)
        guard left.isEmpty else {
            restore(sessionBefore, from: sessionAfter)
            throw DatabaseError(
                node: node,
                message: """
                    \(script.name) leaves its session changed: \(left.joined(separator: "; ")) (every CREATE TEMP \
                    needs its DROP, every SET its RESET, and its caller's settings stay as they were)
                    """)
        }
        return results
    }

    /// This session's temporary objects, and its settings: those set in it and those `names` names.
    private func sessionState(reading names: Set<String>) throws -> SessionState {
        let rows = try query(
            """
            SELECT 'temporary table' AS kind, relname::text AS name, NULL::text AS value FROM pg_class
            WHERE relnamespace = pg_my_temp_schema()
            UNION ALL
            SELECT 'temporary function', proname::text, NULL FROM pg_proc WHERE pronamespace = pg_my_temp_schema()
            UNION ALL
            SELECT 'session setting', name, current_setting(name) FROM pg_settings WHERE source = 'session'
            UNION ALL
            SELECT 'setting', n, coalesce(current_setting(n, true), '') FROM unnest($1::text[]) AS n
            """, [names.sorted()]
        ).rows
        var state = SessionState(objects: [], settings: [:])
        for row in rows {
            let kind = try row.get("kind", as: String.self)
            let name = try row.get("name", as: String.self)
            if kind.hasSuffix("setting") {
                state.settings[name.lowercased()] = try row.get("value", as: String.self)
                if kind == "session setting" { state.setInSession.insert(name.lowercased()) }
            } else {
                state.objects.insert("\(kind) \(name)")
            }
        }
        return state
    }

    /// After a refused file: each setting it changed put back (with `set_config` where the session
    /// had set it, else `RESET`, so that the server's, the role's and the database's values keep
    /// applying), and its temporary objects dropped when the session had none before it (`DISCARD
    /// TEMP`; beside the caller's own they are left). Best effort: the refusal is the error that
    /// counts.
    private func restore(_ before: SessionState, from now: SessionState) {
        for (name, value) in now.settings where value != (before.settings[name] ?? "") {
            if before.setInSession.contains(name), let was = before.settings[name] {
                _ = try? query("SELECT set_config($1, $2, false)", [name, was])
            } else {
                _ = try? execute("RESET \(SQLIdentifier.quote(name))")
            }
        }
        if before.objects.isEmpty && !now.objects.isEmpty { _ = try? execute("DISCARD TEMP") }
    }
}
