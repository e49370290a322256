import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// Test support stays in the tests: the tool runs without the toolchain's Testing library, and a
/// run of the unit tests alone asks no database anything (whether Citus is there is decided when
/// a suite that needs it starts, never while the test plan is built).
@Suite("Test support is the tests' own: the tool links no Testing, make unit connects to nothing")
struct TestSupportIsolationTests {
    @Test("ldd of citus-verify lists no Testing library")
    func toolLinksNoTesting() throws {
        let ldd = try ChildProcess("/usr/bin/env", ["ldd", ToolRun.executable.path]).run(timeLimit: .seconds(30))
        #expect(ldd.status == 0, "\(ldd.errorOutput)")
        #expect(!ldd.output.contains("libTesting"), "\(ldd.output)")
        #expect(ldd.output.contains("libpq"), "ldd read the right file")
    }

    @Test(
        """
        Listing every test, and the unit tests alone (make unit), open no connection, even with a coordinator \
        configured
        """
    )
    func unitRunConnectsToNothing() throws {
        // A listener that counts the connections it accepts stands in for the coordinator and
        // each worker: four ports, since a configuration naming one address twice is refused
        // before any connection (which would hide a probe).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "citus-verify-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let portFile = folder.appendingPathComponent("port").path
        let countFile = folder.appendingPathComponent("count").path
        let listener = """
            import os, select, socket, sys, time
            socks = []
            for _ in range(4):
                s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16); socks.append(s)
            open(sys.argv[1] + ".tmp", "w").write(",".join(str(s.getsockname()[1]) for s in socks))
            os.rename(sys.argv[1] + ".tmp", sys.argv[1])
            count, end = 0, time.time() + float(sys.argv[3])
            while time.time() < end and not os.path.exists(sys.argv[1] + ".stop"):
                ready, _, _ = select.select(socks, [], [], 0.2)
                for s in ready:
                    c, _ = s.accept(); count += 1; c.close()
                open(sys.argv[2], "w").write(str(count))
            """
        let counter = BlockingWork("connection counter") {
            try ChildProcess("/usr/bin/env", ["python3", "-c", listener, portFile, countFile, "300"]).run(
                timeLimit: .seconds(360))
        }
        var ports: [String]?
        for _ in 0..<100 where ports == nil {
            Thread.sleep(forTimeInterval: 0.05)
            ports = (try? String(contentsOfFile: portFile, encoding: .utf8)).map {
                $0.split(separator: ",").map(String.init)
            }
        }
        let listening = try #require(ports, "the counting listener did not start")
        try #require(listening.count == 4, "\(listening)")

        let testBinary = try #require(
            FileManager.default.contentsOfDirectory(
                at: ToolRun.executable.deletingLastPathComponent(), includingPropertiesForKeys: nil
            )
            .first { $0.lastPathComponent.hasSuffix("PackageTests.xctest") })
        let environment = [
            "CITUS_COORDINATOR": "127.0.0.1:\(listening[0])", "CITUS_DATABASE": "citus_verify",
            "CITUS_USER": "citus_verify", "CITUS_PASSWORD": "unused",
            "CITUS_WORKER1_ADDR": "127.0.0.1:\(listening[1])", "CITUS_WORKER2_ADDR": "127.0.0.1:\(listening[2])",
            "CITUS_WORKER3_ADDR": "127.0.0.1:\(listening[3])", "CITUS_VERIFY_START_CLUSTER": "no",
            "CITUS_VERIFY_CLAIMS": "", "CITUS_VERIFY_SKIPS": "",
            // Not required: a required Citus is never probed for, which would hide a probe.
            "CITUS_VERIFY_REQUIRE_CITUS": "",
        ]
        // Every test listed (the whole plan built, Citus suites included, nothing run): a trait
        // that asks the database while the plan is built connects here. Swift Testing 6.3 builds
        // no trait of a suite --filter leaves out, so the unit run below alone no longer shows it.
        let listing = try ChildProcess(
            testBinary.path, ["--testing-library", "swift-testing", "--list-tests"], environment: environment
        )
        .run(timeLimit: .seconds(120))
        #expect(
            listing.status == 0 && listing.output.contains("Phase2Tests."),
            "every test listed: \(listing.errorOutput.suffix(500))")
        let run = try ChildProcess(
            testBinary.path, ["--testing-library", "swift-testing", "--filter", "^ClusterFixturesTests\\."],
            environment: environment
        ).run(timeLimit: .seconds(300))
        let printed = run.output + run.errorOutput  // Swift Testing reports on standard error
        #expect(run.status == 0, "the unit tests pass with no database: \(printed.suffix(2000))")
        #expect(
            printed.contains("Test run with") && !printed.contains("Test run with 0 tests"), "\(printed.suffix(500))")
        #expect(
            FileManager.default.createFile(atPath: portFile + ".stop", contents: nil),
            "the listener's stop file written")
        #expect(counter.wait(.seconds(30)) != nil, "the listener ended and wrote its last count")
        let accepted = Int((try? String(contentsOfFile: countFile, encoding: .utf8)) ?? "0") ?? 0
        #expect(accepted == 0, "connections the test listing and the unit run opened: \(accepted)")
        Evidence.note(
            """
            unit tests alone: \(printed.split(separator: "\n").last { $0.contains("Test run with") } ?? ""), \
            \(accepted) connections opened
            """
        )
    }

    @Test(
        """
        A fault suite against a configured (not embedded) cluster is skipped with the reason, and fails under \
        CITUS_VERIFY_REQUIRE_FAULTS=1
        """,
        .requiresCitus)
    func faultSuitesOnAConfiguredCluster() throws {
        let c = try Cluster.shared().configuration
        // The same cluster, described as a user's own: no CITUS_LOCAL_CLUSTER_DIR.
        var environment = [
            "CITUS_COORDINATOR": "\(c.coordinator)", "CITUS_DATABASE": c.database, "CITUS_USER": c.user,
            "CITUS_PASSWORD": c.password, "CITUS_VERIFY_RESET": "allow", "CITUS_VERIFY_START_CLUSTER": "no",
            "CITUS_LOCAL_CLUSTER_DIR": "", "CITUS_VERIFY_CLAIMS": "", "CITUS_VERIFY_SKIPS": "",
            // Not inherited from this run (CI sets it): the first run must be allowed to skip.
            "CITUS_VERIFY_REQUIRE_FAULTS": "",
            "CITUS_WORKERS": c.workers.map { "\($0.registeredAddress)" }.joined(separator: ","),
            "CITUS_WORKERS_TEST": c.workers.map { "\($0.testAddress)" }.joined(separator: ","),
        ]
        let testBinary = try #require(
            FileManager.default.contentsOfDirectory(
                at: ToolRun.executable.deletingLastPathComponent(), includingPropertiesForKeys: nil
            )
            .first { $0.lastPathComponent.hasSuffix("PackageTests.xctest") })
        func run() throws -> (status: Int32, printed: String) {
            let outcome = try ChildProcess(
                testBinary.path, ["--testing-library", "swift-testing", "--filter", "JobFaultTests"],
                environment: environment
            ).run(timeLimit: .seconds(300))
            return (outcome.status, outcome.output + outcome.errorOutput)
        }
        let skipped = try run()
        #expect(skipped.status == 0, "\(skipped.printed.suffix(1500))")
        #expect(
            skipped.printed.contains("was cancelled") && skipped.printed.contains("only the embedded cluster"),
            "\(skipped.printed.suffix(1500))")
        environment["CITUS_VERIFY_REQUIRE_FAULTS"] = "1"
        let required = try run()
        #expect(required.status != 0, "\(required.printed.suffix(1500))")
        #expect(
            required.printed.contains(
                "CITUS_VERIFY_REQUIRE_FAULTS=1 requires this test, but it cannot run: stops and starts nodes"),
            "\(required.printed.suffix(1500))")
    }
}
