import ArgumentParser
import ClusterFixtures
import Foundation

/// `citus-verify activity`: what every node is doing now, the sessions that are not idle.
struct Activity: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every node's sessions that are not idle: state, wait, how long, and the query.",
        discussion: """
            Read from pg_stat_activity on the coordinator and each worker, each node within a short \
            deadline (an unreachable or silent node is reported, not waited for). The run's watchdog \
            prints it when a test run outlives its bound.

            Examples:
              citus-verify activity
            """
    )

    @Option(help: "Seconds to wait for each node's answer.")
    var deadline = 10

    func run() throws {
        let cluster = try ClusterAccess.open()
        var rows: [[String]] = []
        for node in cluster.nodes {
            do {
                let connection = try cluster.connect("\(node.name) (activity)", at: node.address, database: "postgres")
                defer { connection.close() }
                connection.replyDeadline = .seconds(deadline)
                for row in try connection.query(Self.query).rows {
                    rows.append([
                        node.name, try row.get("pid", as: Int.self).description, try row.get("state"),
                        try row.get("wait"),
                        try row.get("running"), try row.get("application"), try row.get("query"),
                    ])
                }
            } catch {
                rows.append([node.name, "-", "unreadable", "-", "-", "-", "\(error)"])
            }
        }
        print(
            TextTable(header: ["node", "pid", "state", "wait", "running", "application", "query"], rows: rows).render())
    }

    static let query = """
        SELECT pid, coalesce(state, backend_type) AS state,
               coalesce(wait_event_type || ':' || wait_event, '-') AS wait,
               coalesce(to_char(now() - coalesce(query_start, backend_start), 'HH24:MI:SS'), '-') AS running,
               coalesce(nullif(application_name, ''), backend_type) AS application,
               left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS query
        FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND coalesce(state, '') NOT IN ('idle', '') AND backend_type = 'client backend'
           OR wait_event_type = 'Lock'
        ORDER BY query_start NULLS LAST, pid
        """
}
