import ClusterFixtures
import Foundation
import Testing

@Suite("Child processes: a run stopped at a line it prints takes its whole process group with it")
struct ChildProcessTests {
    @Test("stopWhen ends the run at the matching line, and the grandchild it started is gone too")
    func stopsTheGroup() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: marker) }
        // The grandchild writes the marker after 2 s unless it is killed with the group first.
        let script =
            """
            (sleep 2; touch \(marker)) & echo 'ok 1'; echo '✘ Test \"x\" recorded an issue at X.swift:1:1'; sleep \
            30; echo never
            """
        let outcome = try ChildProcess("/bin/bash", ["-c", script]).run(timeLimit: .seconds(60)) {
            $0.contains("recorded an issue")
        }
        #expect(outcome.stoppedEarly)
        #expect(!outcome.output.contains("never"))
        Thread.sleep(forTimeInterval: 3)
        #expect(!FileManager.default.fileExists(atPath: marker), "the grandchild outlived the stop")
    }

    @Test("Without a matching line the run goes to its end, and is not marked stopped")
    func runsToTheEnd() throws {
        let process = ChildProcess("/bin/bash", ["-c", "echo '✔ passed'; echo done"])
        let outcome = try process.run(timeLimit: .seconds(60)) {
            $0.contains("recorded an issue")
        }
        #expect(!outcome.stoppedEarly)
        #expect(outcome.status == 0 && outcome.output.contains("done"))
    }
}
