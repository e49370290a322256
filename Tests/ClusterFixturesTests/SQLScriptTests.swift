import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

@Suite("Splitting SQL files the way psql does")
struct SQLScriptTests {
    @Test("Semicolons inside strings, identifiers, comments and dollar quotes do not end a statement")
    func quoting() throws {
        let script = try SQLScript(name: "t.sql", text: """
            -- a comment; with a semicolon
            SELECT 'a;b', "odd;name" FROM t;
            /* block; /* nested; */ still comment */
            CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
            DO $$ BEGIN PERFORM 1; END $$;
            SELECT 'it''s; fine'
            """)
        #expect(script.statements.map(\.text) == [
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
        let script = try SQLScript(name: "v.sql", text: "SELECT :'host', :\"col\", :port::int, '{:x}'::text;",
                                   variables: ["host": "o'brien", "col": "a\"b", "port": "5432"])
        #expect(script.statements.map(\.text) == ["SELECT 'o''brien', \"a\"\"b\", 5432::int, '{:x}'::text;"])
    }

    @Test("Mistakes are reported with file and line", arguments: [
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
        let provided = ["workers", "new_worker_host", "new_worker_port",
                        "tenant_id", "drain_host", "drain_port", "shard_id", "target_host", "target_port"]
        let variables = Dictionary(uniqueKeysWithValues: provided.map { ($0, "1") })
        let files = FileManager.default.enumerator(at: ProjectLayout.sqlDirectory, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "sql" }
        let onDisk = Set(files.map { $0.path.replacingOccurrences(of: ProjectLayout.sqlDirectory.path + "/", with: "") })
        #expect(onDisk == Set(SQLFile.allCases.map(\.rawValue)), "every file under sql/ is a case of SQLFile, and every case a file")
        for file in files {
            let script = try SQLScript(contentsOf: file, variables: variables)
            #expect(!script.statements.isEmpty, "\(file.lastPathComponent)")
        }
    }
}
