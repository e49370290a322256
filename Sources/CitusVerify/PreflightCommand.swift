import ArgumentParser
import ClusterFixtures
import Foundation

/// `citus-verify preflight`: can this cluster go through the lifecycle, before anything is done to it?
struct PreflightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract: "Check, read-only, that every node of the configured cluster is ready for the lifecycle.",
        discussion: """
            Checks each node: reachable with the configured credentials; the same PostgreSQL major and \
            Citus version as the coordinator; citus first in shared_preload_libraries; wal_level = logical; \
            max_replication_slots, max_wal_senders, max_logical_replication_workers and max_worker_processes \
            enough for the moves Citus runs at once; output_plugin_libraries listing citus where the server \
            has that setting; ssl on where citus.node_conninfo asks for TLS; the nodes reaching each other as \
            Citus will (citus_check_connection_to_node); no table without a primary key or replica identity; \
            free disk for the largest shard move. Changes nothing. A failed check is one line on standard \
            error naming node, setting, value and what it must be; the exit status is then 1.

            Examples:
              citus-verify preflight
              citus-verify preflight --json | jq '.checks[] | select(.verdict == "fail")'
            """
    )

    @Flag(help: "Print the report as JSON instead of a table.")
    var json = false

    func run() throws {
        let report = try ClusterAccess.open().preflight()
        if json {
            print(try JSONOutput.encode(report))
        } else {
            print(
                TextTable(
                    header: ["node", "check", "value", "verdict"],
                    rows: report.checks.map { [$0.node, $0.check, $0.value, $0.verdict.rawValue] }
                ).render())
            print(
                report.isReady
                    ? "preflight: ready (\(report.checks.count) checks)"
                    : "preflight: NOT READY, \(report.failures.count) of \(report.checks.count) checks failed")
        }
        for failure in report.failures {
            FileHandle.standardError.write(Data("preflight: FAIL \(failure.failureLine)\n".utf8))
        }
        if !report.isReady { throw ExitCode.failure }
    }
}
