import ClusterFixtures
import Foundation
import Testing

/// `scripts/cluster.sh` refuses a bad worker count or port with one line naming the variable,
/// before it creates or starts anything.
@Suite("Embedded cluster: bad settings are one-line errors")
struct ClusterScriptInputTests {
    /// Runs the script in a scratch folder; returns its status, standard error, and whether it
    /// left anything in the folder.
    func run(_ settings: [String: String], command: String = "up", prepare: (URL) throws -> Void = { _ in }) throws
        -> (status: Int32, error: String, created: [String])
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try prepare(folder)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        let outcome = try ChildProcess(
            "/bin/bash", [ProjectLayout.root.appendingPathComponent("scripts/cluster.sh").path, command],
            environment: ["CLUSTER_DIR": folder.path, "CLUSTER_PORT": "9990"].merging(settings) { _, given in given }
        )
        .run(timeLimit: .seconds(30))
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        return (outcome.status, outcome.errorOutput, after.subtracting(before).sorted())
    }

    @Test(
        "A worker count that is not a whole number of at least 2 names CLUSTER_WORKERS and the expected form",
        arguments: ["1", "0", "abc", "-3", "2.5"])
    func badWorkerCount(_ value: String) throws {
        let result = try run(["CLUSTER_WORKERS": value])
        #expect(result.status != 0)
        #expect(
            result.error
                == """
                cluster: CLUSTER_WORKERS must be a whole number from 2 to 64 (the lifecycle distributes onto all \
                but the last worker, then adds it), got '\(value)'\n
                """
        )
        #expect(result.created.isEmpty, "nothing created: \(result.created)")
    }

    @Test("Asking an existing cluster for another number of workers is refused, naming both numbers")
    func differentWorkerCount() throws {
        let result = try run(["CLUSTER_WORKERS": "5"]) { folder in
            try "3\n".write(to: folder.appendingPathComponent("workers"), atomically: true, encoding: .utf8)
        }
        #expect(result.status != 0)
        #expect(
            result.error.hasPrefix("cluster: CLUSTER_WORKERS=5, but the cluster in ")
                && result.error.contains("was created with 3 workers"),
            "\(result.error)")
        #expect(result.error.split(separator: "\n").count == 1)
        #expect(result.created.isEmpty)
    }

    @Test("A coordinator port without room for the workers' ports is refused")
    func portWithoutRoom() throws {
        let result = try run(["CLUSTER_WORKERS": "5", "CLUSTER_PORT": "65532"])
        #expect(result.status != 0)
        #expect(
            result.error.hasPrefix("cluster: CLUSTER_PORT must be a port number with room for 5 worker ports after it"),
            "\(result.error)")
        #expect(result.created.isEmpty)
    }

    @Test("status lists every worker of a five-worker cluster")
    func statusListsEveryWorker() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-input-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try ChildProcess(
            "/bin/bash", [ProjectLayout.root.appendingPathComponent("scripts/cluster.sh").path, "status"],
            environment: ["CLUSTER_DIR": folder.path, "CLUSTER_PORT": "9990", "CLUSTER_WORKERS": "5"]
        )
        .run(timeLimit: .seconds(30))
        #expect(outcome.status == 0)
        #expect(
            outcome.output == (["coordinator"] + (1...5).map { "worker\($0)" }).map { "\($0): not created\n" }.joined())
    }
}
