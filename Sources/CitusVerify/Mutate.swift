import ArgumentParser
import ClusterFixtures
import Foundation

/// The suite checks itself: every fault of `mutations/catalogue.json` is planted in a copy of the
/// project, on an embedded cluster of its own, and the tests it concerns must fail.
struct Mutate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plant each fault of mutations/catalogue.json in a copy of the project and check that the suite catches it.",
        discussion: """
            Each fault is applied to a copy of the project in --work (never to this tree), a fresh embedded cluster is \
            started from that copy on its own data folder and ports (--port, default 9800), the tests the fault \
            concerns run with Citus required, and the fault counts as caught when they fail. Writes \
            reports/mutate/mutate.md and mutate.json; exits non-zero when a fault survives. Runs on the embedded \
            cluster only. MUTATE_ONLY=id,id runs a subset.
            """)

    @Option(help: "Folder for the copy, its build and its cluster.") var work = "/tmp/citus-verify-mutate"
    @Option(help: "Coordinator port of the mutants' cluster (workers take the next three).") var port = 9800
    @Flag(help: "Print every fault's outcome as JSON (mutate.json's content) at the end.") var json = false

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        if let coordinator = env["CITUS_COORDINATOR"], !coordinator.isEmpty {
            throw ValidationError("citus-verify mutate runs on an embedded cluster of its own only; CITUS_COORDINATOR is set (\(coordinator)): unset it")
        }
        let root = ProjectLayout.root
        var faults = try Mutation.catalogue()
        if let only = env["MUTATE_ONLY"], !only.isEmpty {
            let wanted = Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let unknown = wanted.subtracting(faults.map(\.id))
            guard unknown.isEmpty else { throw ValidationError("MUTATE_ONLY names faults not in the catalogue: \(unknown.sorted().joined(separator: ", "))") }
            faults = faults.filter { wanted.contains($0.id) }
        }
        let tree = URL(fileURLWithPath: work).appendingPathComponent("tree")
        let clusterDir = URL(fileURLWithPath: work).appendingPathComponent("cluster").path
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        let started = Date()
        var outcomes: [MutationOutcome] = []
        for (number, fault) in faults.enumerated() {
            FileHandle.standardError.write(Data(String(format: "mutate: fault %d of %d (%@), %.0f s elapsed\n",
                                                       number + 1, faults.count, fault.id, Date().timeIntervalSince(started)).utf8))
            let began = Date()
            var failure: String?
            var caught = false
            do {
                // A clean copy of the project's files: everything of the last copy but its .build
                // (kept and reused) goes first, so a file moved or deleted here since cannot linger
                // there (a moved source file compiled twice broke every fault once).
                try shell("find \(quote(tree.path)) -mindepth 1 -maxdepth 1 ! -name .build -exec rm -rf {} + && cd \(quote(root.path)) && git ls-files -co --exclude-standard -z | tar --null -T - -cf - | (cd \(quote(tree.path)) && tar -xf -)")
                for file in fault.allFiles {
                    let target = tree.appendingPathComponent(file)
                    try fault.apply(to: String(contentsOf: target, encoding: .utf8), file: file).write(to: target, atomically: true, encoding: .utf8)
                }
                let clusterEnv = ["CLUSTER_DIR": clusterDir, "CLUSTER_PORT": String(port), "CITUS_VERIFY_REQUIRE_CITUS": "1",
                                  "CITUS_VERIFY_START_CLUSTER": "no", "CITUS_VERIFY_ROOT": tree.path]
                try shell("cd \(quote(tree.path)) && bash scripts/cluster.sh destroy >/dev/null && swift build --build-tests -q", environment: clusterEnv)
                let up = try ChildProcess("/bin/bash", ["-c", "cd \(quote(tree.path)) && bash scripts/cluster.sh up"], environment: clusterEnv).run(timeLimit: .seconds(300))
                if up.status != 0 {
                    caught = true
                    failure = "the embedded cluster did not start: " + (up.errorOutput.split(separator: "\n").last.map(String.init) ?? "")
                } else {
                    let run = try ChildProcess("/bin/bash", ["-c", "cd \(quote(tree.path)) && swift test --skip-build --no-parallel --filter \(quote(fault.tests)) 2>&1"],
                                               environment: clusterEnv).run(timeLimit: .seconds(900))
                    let lines = run.output.split(separator: "\n").map(String.init)
                    // A filter that matches nothing "passes": that is a catalogue error, never a catch.
                    // (A suite whose setup failed also counts 0 tests, but fails.)
                    let ranNothing = lines.contains { $0.contains("Test run with 0 tests") && $0.contains("passed") }
                    caught = run.status != 0 && !ranNothing
                    failure = lines.first { $0.hasPrefix("✘") && $0.contains("recorded an issue") }
                        ?? lines.first { $0.hasPrefix("✘") && !$0.hasPrefix("✘ Test run") }
                        ?? (run.status != 0 ? lines.suffix(3).joined(separator: " ") : nil)
                    if ranNothing { failure = "no test matches the filter \(fault.tests)" }
                }
                _ = try? shell("cd \(quote(tree.path)) && bash scripts/cluster.sh down >/dev/null", environment: clusterEnv)
            } catch {
                failure = "the fault could not be run: \(error)"
            }
            let outcome = MutationOutcome(id: fault.id, concerns: fault.concerns, description: fault.description,
                                          harmless: fault.isHarmless, caught: caught,
                                          firstFailure: failure.map { String($0.prefix(400)) }, seconds: Date().timeIntervalSince(began))
            let verdict = fault.isHarmless ? (caught ? "FALSE ALARM" : "passed, as it must") : (caught ? "caught" : "MISSED")
            FileHandle.standardError.write(Data("mutate:   \(verdict) in \(Int(outcome.seconds)) s: \(outcome.firstFailure ?? "every test passed")\n".utf8))
            outcomes.append(outcome)
        }
        try writeReports(outcomes, seconds: Date().timeIntervalSince(started))
        if json { print(try JSONOutput.encode(outcomes)) }
        let faultsRun = outcomes.filter { !$0.harmless }, harmless = outcomes.filter(\.harmless)
        let missed = faultsRun.filter { !$0.caught }, falseAlarms = harmless.filter(\.caught)
        print("mutate: \(faultsRun.count - missed.count) of \(faultsRun.count) faults caught, \(harmless.count - falseAlarms.count) of \(harmless.count) harmless edits passed, in \(Int(Date().timeIntervalSince(started))) s; reports/mutate/mutate.md")
        if !missed.isEmpty || !falseAlarms.isEmpty { throw ExitCode(1) }
    }

    private func writeReports(_ outcomes: [MutationOutcome], seconds: Double) throws {
        let folder = ProjectLayout.root.appendingPathComponent("reports/mutate")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(outcomes).write(to: folder.appendingPathComponent("mutate.json"))
        func rate(_ group: [MutationOutcome]) -> String {
            "\(group.filter(\.caught).count) of \(group.count) (\(group.isEmpty ? 0 : 100 * group.filter(\.caught).count / group.count)%)"
        }
        let faults = outcomes.filter { !$0.harmless }, harmless = outcomes.filter(\.harmless)
        var md = "# Planted faults\n\nKill rate: \(rate(faults)) in \(Int(seconds)) s. "
            + "Harmless edits that passed, as they must: \(harmless.filter { !$0.caught }.count) of \(harmless.count).\n\n"
            + "| concerns | caught |\n|---|---|\n"
        for (concern, group) in Dictionary(grouping: faults, by: \.concerns).sorted(by: { $0.key < $1.key }) {
            md += "| \(concern) | \(rate(group)) |\n"
        }
        md += "\n| fault | concerns | what | verdict | seconds | first failure |\n|---|---|---|---|---|---|\n"
        for o in outcomes {
            let first = (o.firstFailure ?? "-").replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            let verdict = o.harmless ? (o.caught ? "**false alarm**" : "passed (harmless)") : (o.caught ? "caught" : "**missed**")
            md += "| \(o.id) | \(o.concerns) | \(o.description) | \(verdict) | \(Int(o.seconds)) | \(first) |\n"
        }
        try md.write(to: folder.appendingPathComponent("mutate.md"), atomically: true, encoding: .utf8)
    }

    private func shell(_ command: String, environment: [String: String] = [:]) throws {
        let outcome = try ChildProcess("/bin/bash", ["-c", command], environment: environment).run(timeLimit: .seconds(900))
        guard outcome.status == 0 else {
            throw MutationCatalogueError(description: "\(command) failed: \(outcome.errorOutput.suffix(600))")
        }
    }

    private func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
