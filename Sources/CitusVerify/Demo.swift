import ArgumentParser
import ClusterFixtures
import Foundation

/// `citus-verify demo <kind>`: a query demonstration with how Citus ran it.
struct Demo: ParsableCommand {
    enum Kind: String, CaseIterable, ExpressibleByArgument {
        case singleShard = "single-shard"
        case crossShard = "cross-shard"
        case join, aggregate, all

        var queries: [DemoQuery] { self == .all ? DemoQuery.allCases : [DemoQuery(rawValue: rawValue)!] }
    }

    /// The query kinds for the help text, one line each.
    private static let kindLines = DemoQuery.allCases.map {
        "\n  \($0.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0))\($0.summary) (\($0.file))"
    }
    .joined()

    static let configuration = CommandConfiguration(
        abstract: "Run a query demonstration: each query's result, time, and how it was executed (EXPLAIN ANALYZE).",
        discussion: """
            Kinds: \(kindLines)
              all          every kind above

            Works in every phase: on plain tables the plan line says PostgreSQL ran the query alone.

            Examples:
              citus-verify demo single-shard
              citus-verify demo single-shard --tenant 42
              citus-verify demo all --rows 5
              citus-verify demo aggregate --json
            """
    )

    @Argument(help: "One of: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: Kind

    @Option(help: "single-shard: the tenant (user_id); default: the one with the most orders.")
    var tenant: Int?

    @Option(help: "Rows of each result to show.")
    var rows = 10

    @Flag(help: "Print each statement's result, time and plan summary as JSON.")
    var json = false

    /// What --json prints: one entry per statement that returns rows.
    struct Output: Encodable {
        var query: String, location: String, sql: String, milliseconds: Double
        var columns: [String], rows: [[String?]], totalRows: Int, plan: String
    }

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must be 0 or more, got \(rows)") }
    }

    func run() throws {
        let cluster = try ClusterAccess.open()
        let tenant = try self.tenant ?? cluster.heaviestTenant().id
        let connection = try cluster.connect("demo")
        defer { connection.close() }
        if json {
            var outputs: [Output] = []
            for query in kind.queries {
                let script = try query.file.script(
                    variables: cluster.sqlVariables.merging(["tenant_id": String(tenant)]) { $1 })
                for statement in script.statements {
                    let text = statement.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    let clock = ContinuousClock()
                    var result: QueryResult?
                    let elapsed = try clock.measure { result = try connection.execute(text) }
                    guard let result, !result.columns.isEmpty else { continue }
                    let isExplain = text.uppercased().hasPrefix("EXPLAIN")
                    let planLines =
                        isExplain
                        ? try result.rows.map { try $0.get(0, as: String.self) }
                        : try connection.query("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + text).rows.map
                        { try $0.get(0, as: String.self) }
                    outputs.append(
                        Output(
                            query: query.rawValue, location: script.location(of: statement), sql: text,
                            milliseconds: elapsed.seconds * 1000, columns: result.columns,
                            rows: Array(result.rows.prefix(rows).map(\.values)), totalRows: result.rows.count,
                            plan: ExplainPlan(lines: planLines).summary {
                                cluster.workerName(host: $0.host, port: $0.port)
                            }))
                }
            }
            return print(try JSONOutput.encode(outputs))
        }
        for query in kind.queries {
            print("== \(query.rawValue): \(query.summary)")
            let script = try query.file.script(
                variables: cluster.sqlVariables.merging(["tenant_id": String(tenant)]) { $1 })
            for statement in script.statements {
                try show(statement, of: script, on: connection, cluster: cluster)
            }
            print("")
        }
    }

    private func show(
        _ statement: SQLScript.Statement, of script: SQLScript, on connection: Connection, cluster: Cluster
    ) throws {
        let text = statement.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let isExplain = text.uppercased().hasPrefix("EXPLAIN")
        let clock = ContinuousClock()
        var result: QueryResult?
        let elapsed = try clock.measure { result = try connection.execute(text) }
        guard let result, !result.columns.isEmpty else { return }  // SET, RESET: nothing to show
        print("-- \(script.location(of: statement)) (\(String(format: "%.1f", elapsed.seconds * 1000)) ms)")
        print(text.split(separator: "\n").map { "   " + $0 }.joined(separator: "\n"))
        if isExplain {
            let plan = ExplainPlan(lines: try result.rows.map { try $0.get(0) })
            print(plan.lines.map { "   | " + $0 }.joined(separator: "\n"))
            print("   plan: " + plan.summary { cluster.workerName(host: $0.host, port: $0.port) })
            return
        }
        print(
            TextTable(header: result.columns, rows: result.rows.prefix(rows).map { $0.values.map { $0 ?? "NULL" } })
                .render()
                .split(separator: "\n", omittingEmptySubsequences: false).map { "   " + $0 }.joined(separator: "\n"))
        if result.rows.count > rows { print("   … \(result.rows.count - rows) more rows") }
        let plan = ExplainPlan(
            lines: try connection.query("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + text).rows.map {
                try $0.get(0)
            })
        print("   plan: " + plan.summary { cluster.workerName(host: $0.host, port: $0.port) })
    }
}
