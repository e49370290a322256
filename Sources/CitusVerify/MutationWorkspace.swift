import ClusterFixtures
import Foundation
import Reports

/// The copy of the project a mutation run edits, with its own build folder and its own embedded
/// cluster (data folder and ports apart from the user's), so that the user's tree and cluster are
/// never touched.
struct MutationWorkspace {
    let work: URL
    let port: Int

    var tree: URL { work.appendingPathComponent("tree") }
    var clusterDir: String { work.appendingPathComponent("cluster").path }

    /// Settings for every command run in the copy: its cluster, Citus required, the copy as root.
    var environment: [String: String] {
        [
            "CLUSTER_DIR": clusterDir, "CLUSTER_PORT": String(port), "CITUS_VERIFY_REQUIRE_CITUS": "1",
            "CITUS_VERIFY_START_CLUSTER": "no", "CITUS_VERIFY_ROOT": tree.path,
        ]
    }

    /// A clean copy of the project's files: everything of the last copy but its .build (kept and
    /// reused) goes first, so a file moved or deleted here since cannot linger there (a moved
    /// source file compiled twice broke every fault once).
    func copyProject() throws {
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        try shell(
            """
            find \(quote(tree.path)) -mindepth 1 -maxdepth 1 ! -name .build -exec rm -rf {} + && cd \
            \(quote(ProjectLayout.root.path)) && git ls-files -co --exclude-standard -z | tar --null -T - -cf - | \
            (cd \(quote(tree.path)) && tar -xf -)
            """
        )
    }

    func build() throws {
        try shell("cd \(quote(tree.path)) && swift build --build-tests -q")
    }

    /// The build's outcome with the compiler's messages (both streams), for a caller that reads
    /// the errors rather than failing on them.
    func buildOutcome() throws -> ChildProcess.Outcome {
        try ChildProcess(
            "/bin/bash", ["-c", "cd \(quote(tree.path)) && swift build --build-tests -q 2>&1"], environment: environment
        )
        .run(timeLimit: .seconds(1800))
    }

    func cluster(_ command: String, timeLimit: Duration = .seconds(300)) throws -> ChildProcess.Outcome {
        try ChildProcess(
            "/bin/bash", ["-c", "cd \(quote(tree.path)) && bash scripts/cluster.sh \(command)"],
            environment: environment
        )
        .run(timeLimit: timeLimit)
    }

    /// The copy's prebuilt test binary, serial, on the tests `filter` selects, reading the copy's
    /// files (a mutant of `sql/` needs no build: the tests read the files at run time). With
    /// `skip`, the tests it matches are left out; with `stopAtFirstFailure`, the run is stopped at
    /// the first issue a test records: enough for a verdict.
    ///
    /// The binary is run itself, with the arguments `swift test` would give it, not through
    /// `swift test`: that starts the binary in a process group of its own, which a stop of
    /// `swift test`'s group does not reach (the binary would go on against the cluster while the
    /// next mutant's state is restored). `NO_COLOR` keeps its lines plain for `isFailureLine`.
    func test(
        filter: String, skip: String? = nil, extraEnvironment: [String: String] = [:],
        timeLimit: Duration = .seconds(900), stopAtFirstFailure: Bool = false
    ) throws -> ChildProcess.Outcome {
        let skipping = skip.map { " --skip \(quote($0))" } ?? ""
        let binary = ".build/debug/\(Self.testProduct).xctest"
        return try ChildProcess(
            "/bin/bash",
            [
                "-c",
                "cd \(quote(tree.path)) && exec \(binary) --testing-library swift-testing --no-parallel "
                    + "--filter \(quote(filter))\(skipping) 2>&1",
            ],
            environment: environment.merging(["NO_COLOR": "1"]) { $1 }.merging(extraEnvironment) { $1 }
        )
        .run(timeLimit: timeLimit, stopWhen: stopAtFirstFailure ? Self.isFailureLine : nil)
    }

    /// SwiftPM's name for the package's test bundle: the package's name and `PackageTests`.
    static let testProduct = "citus-verifyPackageTests"

    /// A line of Swift Testing's output that says a test or suite recorded an issue (a known issue
    /// is "recorded a known issue" and does not count).
    @Sendable static func isFailureLine(_ line: Substring) -> Bool {
        line.hasPrefix("✘") && line.contains("recorded an issue")
    }

    func shell(_ command: String, environment extra: [String: String] = [:]) throws {
        let outcome = try ChildProcess("/bin/bash", ["-c", command], environment: environment.merging(extra) { $1 })
            .run(timeLimit: .seconds(900))
        guard outcome.status == 0 else {
            throw MutationCatalogueError(description: "\(command) failed: \(outcome.errorOutput.suffix(600))")
        }
    }

    func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// What a test run says about the mutant: whether a test failed (a run of no test never
    /// counts), and the first failure's line.
    static func verdict(of run: ChildProcess.Outcome) -> (failed: Bool, ranNothing: Bool, firstFailure: String?) {
        let lines = run.output.split(separator: "\n").map(String.init)
        let ranNothing = lines.contains { $0.contains("Test run with 0 tests") && $0.contains("passed") }
        let first =
            lines.first { isFailureLine($0[...]) }
            ?? lines.first { $0.hasPrefix("✘") && !$0.hasPrefix("✘ Test run") }
            ?? (run.status != 0 ? lines.suffix(3).joined(separator: " ") : nil)
        return (run.status != 0 && !ranNothing, ranNothing, first)
    }
}
