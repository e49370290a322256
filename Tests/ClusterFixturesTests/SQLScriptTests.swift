import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

@Suite("Splitting SQL files the way psql does")
struct SQLScriptTests {
    /// The psql variables the fixtures provide, each given a value: enough to split every file.
    static let fixtureVariables = Dictionary(
        uniqueKeysWithValues: [
            "workers", "new_worker_host", "new_worker_port", "tenant_id", "drain_host",
            "drain_port", "shard_id", "target_host", "target_port",
        ].map { ($0, "1") })

    /// Labelled results that are one row by construction (an aggregate without GROUP BY, one
    /// named shard or job), or whose order is the function's own: nothing to order.
    static let unorderedResults: [String: String] = [
        "queries/21_cross_shard_query.sql order_totals": "one row: aggregates without GROUP BY",
        "queries/22_join_queries.sql order_item_pairs": "one row: aggregates without GROUP BY",
        "resharding/31_rebalance_shards.sql planned_moves":
            "the rebalancer's plan, in the order it would move the shards (the function's own order)",
        "resharding/31_rebalance_shards.sql job_state": "one row: the one job the file started",
        "resharding/32_isolate_tenant.sql tenant_before": "one row: the one tenant the file isolates",
        "resharding/32_isolate_tenant.sql tenant_after": "one row: the one tenant the file isolated",
        "resharding/34_undistribute_table.sql citus_tables_left": "one row: a count",
        "resharding/34_undistribute_table.sql partitions_left": "one row: a count",
        "resharding/34_undistribute_table.sql shards_left": "one row: a count",
        "resharding/35_move_shard.sql placement_after": "one row: the moved shard's one placement",
        "sharding/10_enable_citus.sql citus_version": "one row: citus_version()",
    ]

    /// A result of several rows comes in the order its `ORDER BY` states, never in the order the
    /// rows happen to lie in: an order nobody asked for holds by luck until a plan changes.
    @Test(
        """
        Every labelled result of several rows states its order (ORDER BY), but EXPLAIN output and the listed \
        one-row results
        """
    )
    func labelledResultsAreOrdered() throws {
        var unordered: [String] = []
        var listed = Set<String>()
        for file in SQLFile.allCases {
            let url = ProjectLayout.sqlDirectory.appendingPathComponent(file.rawValue)
            for statement in try SQLScript(contentsOf: url, variables: Self.fixtureVariables).statements {
                guard let label = statement.label else { continue }
                let key = "\(file.rawValue) \(label)"
                if Self.unorderedResults[key] != nil {
                    listed.insert(key)
                    continue
                }
                let upper = statement.text.uppercased()
                if upper.hasPrefix("EXPLAIN") { continue }
                if !Self.hasTopLevelOrderBy(upper) {
                    unordered.append("sql/\(file.rawValue):\(statement.line) (\(label))")
                }
            }
        }
        #expect(unordered.isEmpty, "labelled results without ORDER BY: \(unordered)")
        #expect(
            listed == Set(Self.unorderedResults.keys),
            "listed as one row but no such result: \(Set(Self.unorderedResults.keys).subtracting(listed))")
    }

    /// `ORDER BY` (any spacing) outside every parenthesis and every quoted text: a window's or a
    /// subquery's does not order the result, nor does one inside a string.
    static func hasTopLevelOrderBy(_ text: String) -> Bool {
        let orderBy = try! Regex(#"ORDER\s+BY\b"#)
        var depth = 0
        var quote: Character? = nil
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else {
                switch character {
                case "'", "\"": quote = character
                case "(": depth += 1
                case ")": depth -= 1
                default:
                    if depth == 0, text[index...].prefixMatch(of: orderBy) != nil,
                        index == text.startIndex
                            || !(text[text.index(before: index)].isLetter || text[text.index(before: index)] == "_")
                    {
                        return true
                    }
                }
            }
            index = text.index(after: index)
        }
        return false
    }

    @Test("ORDER BY is found at the top level only")
    func topLevelOrderBy() {
        #expect(Self.hasTopLevelOrderBy("SELECT A FROM T ORDER BY A"))
        #expect(!Self.hasTopLevelOrderBy("SELECT ROW_NUMBER() OVER (ORDER BY A) FROM T"))
        #expect(!Self.hasTopLevelOrderBy("SELECT * FROM (SELECT A FROM T ORDER BY A) S"))
        #expect(Self.hasTopLevelOrderBy("SELECT A FROM T\nORDER  BY A"))
        #expect(!Self.hasTopLevelOrderBy("SELECT 'X ORDER BY A' FROM T"))
        #expect(Self.hasTopLevelOrderBy("SELECT ')' AS P FROM T ORDER BY P"))
        #expect(!Self.hasTopLevelOrderBy("SELECT REORDER BY FROM T"))
    }

    @Test("Semicolons inside strings, identifiers, comments and dollar quotes do not end a statement")
    func quoting() throws {
        let script = try SQLScript(
            name: "t.sql",
            text: """
                -- a comment; with a semicolon
                SELECT 'a;b', "odd;name" FROM t;
                /* block; /* nested; */ still comment */
                CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
                DO $$ BEGIN PERFORM 1; END $$;
                SELECT 'it''s; fine'
                """)
        #expect(
            script.statements.map(\.text) == [
                "SELECT 'a;b', \"odd;name\" FROM t;",
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;",
                "DO $$ BEGIN PERFORM 1; END $$;",
                "SELECT 'it''s; fine'",
            ])
        #expect(script.statements.map(\.line) == [2, 4, 5, 6])
        #expect(script.location(of: script.statements[1]) == "t.sql:4")
    }

    @Test("psql variables: :'v' becomes a quoted literal, :\"v\" a quoted identifier, :v the raw value; :: casts stay")
    func variables() throws {
        let script = try SQLScript(
            name: "v.sql", text: "SELECT :'host', :\"col\", :port::int, '{:x}'::text;",
            variables: ["host": "o'brien", "col": "a\"b", "port": "5432"])
        #expect(script.statements.map(\.text) == ["SELECT 'o''brien', \"a\"\"b\", 5432::int, '{:x}'::text;"])
    }

    @Test(
        "Mistakes are reported with file and line",
        arguments: [
            ("SELECT 1;\nSELECT :'missing';", "v.sql:2"),
            ("SELECT 1;\n\nSELECT 'open", "v.sql:3"),
            ("SELECT $$never closed", "v.sql:1"),
            ("SELECT 1;\n\\set x 1\n", "v.sql:2"),
        ])
    func errors(_ text: String, _ location: String) {
        #expect { try SQLScript(name: "v.sql", text: text) } throws: { error in
            (error as? SQLScriptError)?.location == location
        }
    }

    @Test("Every file under sql/ splits, and names only the psql variables the fixtures provide")
    func projectFiles() throws {
        let variables = Self.fixtureVariables
        let files = FileManager.default.enumerator(at: ProjectLayout.sqlDirectory, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "sql" }
        let onDisk = Set(
            files.map { $0.path.replacingOccurrences(of: ProjectLayout.sqlDirectory.path + "/", with: "") })
        #expect(
            onDisk == Set(SQLFile.allCases.map(\.rawValue)),
            "every file under sql/ is a case of SQLFile, and every case a file")
        for file in files {
            let script = try SQLScript(contentsOf: file, variables: variables)
            #expect(!script.statements.isEmpty, "\(file.lastPathComponent)")
        }
    }
}
