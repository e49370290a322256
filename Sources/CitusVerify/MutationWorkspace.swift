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

    /// Makes the copy hold exactly the project's files (the files git knows, uncommitted edits
    /// included, and its Package.resolved): a file the project no longer has goes (a moved source
    /// file compiled twice broke every fault once), and only a file whose content differs is
    /// written anew. An unchanged file
    /// keeps its inode and time, so the build folder (kept between runs) rebuilds only what a
    /// fault or a changed file touches: a fresh file everywhere would recompile every module each
    /// time (about 90 s here).
    func copyProject() throws {
        let manager = FileManager.default
        let root = ProjectLayout.root.path
        try manager.createDirectory(at: tree, withIntermediateDirectories: true)
        let listing = try ChildProcess(
            "/bin/bash", ["-c", "cd \(quote(root)) && git ls-files -co --exclude-standard -z"]
        ).run(timeLimit: .seconds(60))
        guard listing.status == 0 else {
            throw MutationCatalogueError(
                description: "git ls-files in \(root) failed: \(listing.errorOutput.suffix(600))")
        }
        var files = Set(
            listing.output.split(separator: "\0").map(String.init).filter {
                manager.fileExists(atPath: root + "/" + $0)
            })
        // The project's pins (Package.resolved, kept out of git): the copy builds the same versions
        // and never resolves them anew.
        if manager.fileExists(atPath: root + "/Package.resolved") { files.insert("Package.resolved") }
        // Every folder that holds a listed file, at any depth: a folder of the copy outside it is stale.
        var folders = Set<String>()
        for file in files {
            var folder = (file as NSString).deletingLastPathComponent
            while !folder.isEmpty, folders.insert(folder).inserted {
                folder = (folder as NSString).deletingLastPathComponent
            }
        }
        // What the copy has that the project no longer has, deepest first so folders empty out.
        var stale: [String] = []
        if let walker = manager.enumerator(atPath: tree.path) {
            while let relative = walker.nextObject() as? String {
                if relative == ".build" || relative == ".swiftpm" {
                    walker.skipDescendants()
                    continue
                }
                var isFolder: ObjCBool = false
                guard manager.fileExists(atPath: tree.path + "/" + relative, isDirectory: &isFolder) else { continue }
                if isFolder.boolValue {
                    if !folders.contains(relative) { stale.append(relative) }
                } else if !files.contains(relative) {
                    stale.append(relative)
                }
            }
        }
        for relative in stale.sorted(by: >) where manager.fileExists(atPath: tree.path + "/" + relative) {
            try manager.removeItem(atPath: tree.path + "/" + relative)
        }
        for relative in files.sorted() {
            let source = root + "/" + relative
            let target = tree.path + "/" + relative
            if manager.fileExists(atPath: target), manager.contentsEqual(atPath: source, andPath: target) {
                let mode = { (path: String) in (try? manager.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
                }
                if mode(source) == mode(target) { continue }
            }
            try? manager.removeItem(atPath: target)
            try manager.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try manager.copyItem(atPath: source, toPath: target)
        }
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
