import ClusterFixtures
import Foundation
import Testing

@Suite("Every environment variable the project reads is documented")
struct ConfigurationDocsTests {
    /// Words of the variables' form that are not variables: PostgreSQL's version file in a data
    /// folder, the argument Citus's configure takes, and the prefix the worker variables share.
    static let notVariables: Set<String> = ["PG_VERSION", "PG_CONFIG", "CITUS_WORKER"]
    /// The system's own, which the project reads but does not define.
    static let systemVariables: Set<String> = ["PATH", "HOME", "TMPDIR", "XDG_DATA_HOME", "USER"]

    /// Every variable `text` (of the file at `path`) reads: any `CITUS_…`, `CLUSTER_…`, `TEST_…` or
    /// `PG_…` word; in Swift an `environment["…"]` or `env["…"]` key; in a script a `${NAME:-…}`,
    /// `${NAME:?…}`, `${NAME-…}` or `${NAME=…}` (a value the caller may give); in the Makefile a
    /// `NAME ?=`. Numbered worker variables as `CITUS_WORKERn_…` (a name built in Swift,
    /// `"CITUS_WORKER\(n)_ADDR"`, or in a script, `CITUS_WORKER${n}_ADDR`, is not a word of its own).
    static func variables(in text: String, path: String = "") -> Set<String> {
        var found = text.matches(of: /\b(?:CITUS|CLUSTER|TEST|PG)_[A-Z0-9_]*[A-Z0-9]\b(?!\\\(|\$\{)/).map {
            String($0.output)
        }
        found += text.matches(of: /(?:environment|env)\["([A-Z][A-Z0-9_]*)"\]/).map { String($0.output.1) }
        found += text.matches(of: /\$\{([A-Z][A-Z0-9_]*):?[-?=]/).map { String($0.output.1) }
        if path == "Makefile" {
            found += text.matches(of: /(?m)^([A-Z][A-Z0-9_]*) \?=/).map { String($0.output.1) }
        }
        return Set(found.map { $0.replacing(/WORKER[0-9]+_/, with: "WORKERn_") }).subtracting(notVariables).subtracting(
            systemVariables)
    }

    static func projectTexts() throws -> [(path: String, text: String)] {
        let root = ProjectLayout.root
        var paths = ["Makefile", ".ci/run", "docker-compose.yml", ".env.example"]
        for folder in ["Sources", "Tests", "scripts"] {
            let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)
            while let relative = enumerator?.nextObject() as? String {
                if relative.hasSuffix(".swift") || relative.hasSuffix(".sh") || relative.hasSuffix(".py") {
                    paths.append(folder + "/" + relative)
                }
            }
        }
        return try paths.map { ($0, try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)) }
    }

    @Test("docs/configuration.md names every variable the code, the scripts and the Makefile read")
    func everyVariableDocumented() throws {
        let documented = try String(
            contentsOf: ProjectLayout.root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        var missing: [String: String] = [:]
        for (path, text) in try Self.projectTexts() where !path.hasSuffix("ConfigurationDocsTests.swift") {
            for variable in Self.variables(in: text, path: path) where !documented.contains("`\(variable)`") {
                missing[variable] = path
            }
        }
        #expect(
            missing.isEmpty,
            "not in docs/configuration.md: \(missing.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" })")
    }

    @Test(
        """
        The scan finds a variable in every form it is read, numbered workers as one, and leaves out what is not a \
        variable
        """
    )
    func scanSeesVariables() {
        let text =
            #"env["CITUS_NEW_THING"]; CITUS_WORKER2_TEST_ADDR=x; ${CLUSTER_PORT:-9700}; "#
            + #"PG_VERSION; "CITUS_WORKER\(n)_ADDR"; "#
            + #"CITUS_WORKER${n}_ADDR; environment["MUTATE_ONLY"]; ${BENCH_PORT:-9710}; ${TMPDIR:-/tmp}; $LOCAL_THING"#
        #expect(
            Self.variables(in: text) == [
                "CITUS_NEW_THING", "CITUS_WORKERn_TEST_ADDR", "CLUSTER_PORT", "MUTATE_ONLY", "BENCH_PORT",
            ])
        #expect(Self.variables(in: "REPEAT ?= 20\nall: x\n", path: "Makefile") == ["REPEAT"])
    }
}
