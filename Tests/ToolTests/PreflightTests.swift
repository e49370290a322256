import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// `citus-verify preflight` on clusters of the suite's own making: the suite's cluster is ready; a
/// second embedded cluster (ports 9860-9863) is ready too, then is set up wrong, one planted fault
/// per node, and each fault must show as its own failed line.
@Suite(
    "citus-verify preflight: a ready cluster passes, a cluster set up wrong fails on each fault", .serialized,
    .requiresCitus)
struct PreflightTests {
    @Test(
        "preflight on the suite's cluster: every node reachable, same versions, settings enough, nodes reach each other"
    )
    func suiteClusterIsReady() throws {
        let run = try citusVerify("preflight", "--json")
        #expect(run.status == 0, "\(run)")
        let report = try JSONDecoder().decode(PreflightReport.self, from: Data(run.output.utf8))
        #expect(report.failures.isEmpty, "\(report.failures.map(\.failureLine))")
        let cluster = try Cluster.shared()
        let nodes = ["coordinator"] + cluster.configuration.workers.map(\.name)
        for node in nodes {
            for check in [
                "reachable", "PostgreSQL major", "Citus version", "Citus supports the PostgreSQL major",
                "shared_preload_libraries", "wal_level", "max_replication_slots",
            ] {
                #expect(report.check(check, on: node)?.verdict == .pass, "\(node): \(check)")
            }
        }
    }

    @Test(
        """
        preflight on a cluster set up wrong: wal_level replica, too few replication slots, too few background \
        workers, TLS off where asked, a keyless table, each one failed line
        """
    )
    func wrongClusterFails() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "citus-verify-preflight-\(getpid())"
        ).path
        let port = 9860
        func cluster(_ arguments: String...) throws -> ChildProcess.Outcome {
            try ChildProcess(
                "/bin/bash", [ProjectLayout.root.appendingPathComponent("scripts/cluster.sh").path] + arguments,
                environment: ["CLUSTER_DIR": directory, "CLUSTER_PORT": String(port)]
            ).run(timeLimit: .seconds(300))
        }
        defer { _ = try? cluster("destroy") }
        let up = try cluster("up")
        try #require(up.status == 0, "the second cluster did not start: \(up.errorOutput)")
        var environment = try EnvironmentFile.load(
            URL(fileURLWithPath: directory).appendingPathComponent("cluster.env"))
        environment["CITUS_VERIFY_START_CLUSTER"] = "no"
        let environmentCluster = Cluster(configuration: try ClusterConfiguration(environment: environment))

        let ready = try citusVerify("preflight", "--json", environment: environment)
        #expect(ready.status == 0, "freshly started, it is ready: \(ready)")

        // A server built without TLS (the PyPI wheels of 16 and 18) runs the cluster without it
        // (CLUSTER_TLS=off, citus.node_conninfo asks for none): "TLS off where asked" cannot be
        // planted there, so that one fault and its consequence are left out, and said so.
        let probe = try environmentCluster.connect("coordinator", at: environmentCluster.configuration.coordinator)
        let hasTLS = try probe.query("SHOW ssl").single().get("ssl", as: String.self) == "on"
        probe.close()
        if !hasTLS {
            print("preflight test: the server has no TLS, so the planted fault 'ssl off on worker2' is left out")
        }
        // The planted faults, one per node, each a mistake seen on real clusters.
        var faults: [(node: String, sql: [String], check: String)] = [
            ("worker1", ["ALTER SYSTEM SET wal_level = replica"], "wal_level"),
            ("worker2", ["ALTER SYSTEM SET ssl = off"], "ssl"),
            ("worker3", ["ALTER SYSTEM SET max_replication_slots = 1"], "max_replication_slots"),
            // (citus not first in shared_preload_libraries is no such fault: the server refuses to start.)
            (
                "coordinator",
                [
                    "ALTER SYSTEM SET max_worker_processes = 4",
                    "CREATE TABLE audit_log (happened_at timestamptz, note text)",
                ], "max_worker_processes"
            ),
        ]
        if !hasTLS { faults.removeAll { $0.check == "ssl" } }
        let configuration = environmentCluster.configuration
        for fault in faults {
            let address =
                fault.node == "coordinator"
                ? configuration.coordinator
                : configuration.workers.first { $0.name == fault.node }!.testAddress
            let connection = try environmentCluster.connect(fault.node, at: address)
            for statement in fault.sql { try connection.execute(statement) }
            connection.close()
            for step in ["kill-node", "start-node"] {
                let restart = try cluster(step, fault.node)
                try #require(restart.status == 0, "\(step) \(fault.node): \(restart.errorOutput)")
            }
        }

        let run = try citusVerify("preflight", "--json", environment: environment)
        #expect(run.status == 1, "\(run)")
        let report = try JSONDecoder().decode(PreflightReport.self, from: Data(run.output.utf8))
        for fault in faults {
            let check = report.check(fault.check, on: fault.node)
            #expect(check?.verdict == .fail, "\(fault.node) \(fault.check): \(String(describing: check))")
            #expect(
                run.errorOutput.contains("preflight: FAIL \(fault.node): \(fault.check) is "),
                "one line naming node and setting: \(run.errorOutput)")
        }
        #expect(
            report.check("tables without primary key or replica identity", on: "coordinator")?.value
                == "public.audit_log")
        if hasTLS {
            #expect(
                report.check("connection to worker2", on: "worker1")?.verdict == .fail,
                "TLS off on worker2: Citus on worker1 cannot reach it")
        }
        // Nothing else failed: the checks name the faults planted, not everything.
        let planted = Set(faults.map { "\($0.node)/\($0.check)" })
            .union(["coordinator/tables without primary key or replica identity"])
        let others = report.failures.filter {
            !planted.contains("\($0.node)/\($0.check)") && $0.check != "connection to worker2"
        }
        #expect(others.isEmpty, "\(others.map(\.failureLine))")
        Evidence.note(
            """
            preflight on a cluster set up wrong: \(report.failures.count) failed lines, e.g. \
            \(report.failures.first?.failureLine ?? "")
            """
        )
    }
}
