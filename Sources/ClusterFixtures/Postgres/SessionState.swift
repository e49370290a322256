import Foundation

/// What a session holds that an SQL file could leave behind: its temporary tables and functions,
/// and its settings. A file's leftovers change the next run in that session (psql's `\i` again, the
/// tool's next step): a temporary object makes it fail on CREATE, a setting changes what its
/// statements do.
///
/// Settings are read by name, with `current_setting(name, true)`: those PostgreSQL lists as set in
/// the session (`pg_settings`), and those the file itself names in a `SET`, `RESET` or
/// `set_config(…)`. Both are needed: `pg_settings` leaves out placeholders (`citus_verify.*`) and
/// every setting a library marks as not shown (many of Citus's, such as
/// `citus.enable_ddl_propagation`), and a file's `RESET` of a setting its caller made is only seen
/// by comparing values.
struct SessionState {
    /// "temporary table seed_items", "temporary function seed_hash".
    var objects: Set<String>
    /// Each setting read, by name; empty where it has no value (a placeholder never set reads as
    /// none, one set and reset as empty: the same here).
    var settings: [String: String]
    /// The settings PostgreSQL lists as set in this session (rather than by default, the server's
    /// files, the role or the database): what putting a setting back restores with `set_config`,
    /// where the others are `RESET`.
    var setInSession: Set<String> = []

    /// The settings `statements` name: `SET [SESSION] name`, `RESET name`, `set_config('name', …)`.
    /// Names that are no setting (`SET ROLE` reads `role`, `SET TRANSACTION` reads nothing) are
    /// harmless: they read as they are, or as no value.
    /// A `SET` built at run time (`EXECUTE` in a DO block) names nothing here: only `pg_settings`
    /// can show it, and only for a setting it lists.
    static func settingNames(in statements: [String]) -> Set<String> {
        var names: Set<String> = []
        for statement in statements {
            for regex in namePatterns {
                let range = NSRange(statement.startIndex..., in: statement)
                for match in regex.matches(in: statement, range: range) {
                    for group in 1..<match.numberOfRanges {
                        if let name = Range(match.range(at: group), in: statement) {
                            names.insert(statement[name].lowercased())
                        }
                    }
                }
            }
        }
        return names
    }

    /// `SET [SESSION|LOCAL] name`, `RESET name` (the name plain or double-quoted) at the start of
    /// any line of a statement (comments may come before it), and `set_config('name', …)`.
    private static let namePatterns = [
        #"(?im)^\s*(?:SET|RESET)\s+(?:SESSION\s+|LOCAL\s+)?(?:([A-Za-z_][A-Za-z0-9_$.]*)|"([^"]+)")"#,
        #"(?i)set_config\s*\(\s*'([^']+)'"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    /// What is here and was not before, and each setting whose value differs, sorted: "temporary
    /// table kept", "setting work_mem = 7MB (was 4MB)".
    func left(since before: SessionState) -> [String] {
        let objects = objects.subtracting(before.objects)
        let settings = Set(settings.keys).union(before.settings.keys).compactMap { name -> String? in
            let now = self.settings[name] ?? ""
            let was = before.settings[name] ?? ""
            guard now != was else { return nil }
            return "setting \(name) = \(now.isEmpty ? "(no value)" : now) (was \(was.isEmpty ? "(no value)" : was))"
        }
        return (Array(objects) + settings).sorted()
    }
}
