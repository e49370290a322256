import ArgumentParser
import ClusterFixtures
import Foundation
import Mutants
import Reports

/// The suite checks itself: every fault of `mutations/catalogue.json` is planted in a copy of the
/// project, on an embedded cluster of its own, and the tests it concerns must fail.
struct Mutate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            """
            Plant each fault of mutations/catalogue.json in a copy of the project and check that the suite \
            catches it.
            """,
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
    @Flag(
        help:
            "Run the generated mutants (operators applied to every SQL file and the oracles) instead of the catalogue.")
    var generated = false
    @Option(help: "With --generated: run this many mutants, drawn by --sample-seed, instead of all.") var sample: Int?
    @Option(help: "With --sample: the seed of the draw (CI passes the commit id).") var sampleSeed = "0"
    @Option(help: "With --generated: only the mutants of files under this path (e.g. sql/ or sql/resharding/31).")
    var files: String?
    @Flag(help: "With --generated: write the report and exit 0 even when mutants survive (a sample run that reports).")
    var reportOnly = false
    @Flag(help: "With --generated: list the mutants (id, file:line, operator, edit) and run nothing.") var list = false
    @Flag(
        help: """
            With --generated: continue the last report (reports/mutate/generated.json): mutants it records as killed \
            are not run again, and its outcomes of mutants not chosen now are kept, so the whole set can be judged \
            in parts.
            """)
    var resume = false
    @Flag(
        help: """
            With --generated: as --resume, but every chosen mutant is judged again, those recorded as killed too \
            (after a change to the tests that killed them).
            """)
    var rejudge = false

    func run() throws {
        if generated || list { return try runGenerated() }
        if resume || rejudge || reportOnly || sample != nil || files != nil {
            throw ValidationError("--resume, --rejudge, --report-only, --sample and --files go with --generated")
        }
        let env = ProcessInfo.processInfo.environment
        if let coordinator = env["CITUS_COORDINATOR"], !coordinator.isEmpty {
            throw ValidationError(
                """
                citus-verify mutate runs on an embedded cluster of its own only; CITUS_COORDINATOR is set \
                (\(coordinator)): unset it
                """
            )
        }
        var faults = try Mutation.catalogue()
        if let only = env["MUTATE_ONLY"], !only.isEmpty {
            let wanted = Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let unknown = wanted.subtracting(faults.map(\.id))
            guard unknown.isEmpty else {
                throw ValidationError(
                    "MUTATE_ONLY names faults not in the catalogue: \(unknown.sorted().joined(separator: ", "))")
            }
            faults = faults.filter { wanted.contains($0.id) }
        }
        let workspace = MutationWorkspace(work: URL(fileURLWithPath: work), port: port)
        let tree = workspace.tree
        let started = Date()
        var outcomes: [MutationOutcome] = []
        for (number, fault) in faults.enumerated() {
            FileHandle.standardError.write(
                Data(
                    String(
                        format: "mutate: fault %d of %d (%@), %.0f s elapsed\n",
                        number + 1, faults.count, fault.id, Date().timeIntervalSince(started)
                    ).utf8))
            let began = Date()
            var failure: String?
            var caught = false
            do {
                try workspace.copyProject()
                for file in fault.allFiles {
                    let target = tree.appendingPathComponent(file)
                    try fault.apply(to: String(contentsOf: target, encoding: .utf8), file: file).write(
                        to: target, atomically: true, encoding: .utf8)
                }
                _ = try workspace.cluster("destroy")
                try workspace.build()
                let up = try workspace.cluster("up")
                if up.status != 0 {
                    caught = true
                    failure =
                        "the embedded cluster did not start: "
                        + (up.errorOutput.split(separator: "\n").last.map(String.init) ?? "")
                } else {
                    // A filter that matches nothing "passes": that is a catalogue error, never a catch.
                    // (A suite whose setup failed also counts 0 tests, but fails.)
                    let verdict = MutationWorkspace.verdict(of: try workspace.test(filter: fault.tests))
                    caught = verdict.failed
                    failure = verdict.ranNothing ? "no test matches the filter \(fault.tests)" : verdict.firstFailure
                }
                _ = try? workspace.cluster("down")
            } catch {
                failure = "the fault could not be run: \(error)"
            }
            let outcome = MutationOutcome(
                id: fault.id, concerns: fault.concerns, description: fault.description,
                harmless: fault.isHarmless, caught: caught,
                firstFailure: failure.map { String($0.prefix(400)) }, seconds: Date().timeIntervalSince(began))
            let verdict =
                fault.isHarmless ? (caught ? "FALSE ALARM" : "passed, as it must") : (caught ? "caught" : "MISSED")
            FileHandle.standardError.write(
                Data(
                    """
                    mutate:   \(verdict) in \(Int(outcome.seconds)) s: \
                    \(outcome.firstFailure ?? "every test passed")\n
                    """
                    .utf8))
            outcomes.append(outcome)
        }
        try writeReports(outcomes, seconds: Date().timeIntervalSince(started))
        if json { print(try JSONOutput.encode(outcomes)) }
        let faultsRun = outcomes.filter { !$0.harmless }
        let harmless = outcomes.filter(\.harmless)
        let missed = faultsRun.filter { !$0.caught }
        let falseAlarms = harmless.filter(\.caught)
        print(
            """
            mutate: \(faultsRun.count - missed.count) of \(faultsRun.count) faults caught, \
            \(harmless.count - falseAlarms.count) of \(harmless.count) harmless edits passed, in \
            \(Int(Date().timeIntervalSince(started))) s; reports/mutate/mutate.md
            """
        )
        if !missed.isEmpty || !falseAlarms.isEmpty { throw ExitCode(1) }
    }

    private func writeReports(_ outcomes: [MutationOutcome], seconds: Double) throws {
        let folder = ProjectLayout.root.appendingPathComponent("reports/mutate")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(outcomes).write(to: folder.appendingPathComponent("mutate.json"))
        func rate(_ group: [MutationOutcome]) -> String {
            """
            \(group.filter(\.caught).count) of \(group.count) \
            (\(group.isEmpty ? 0 : 100 * group.filter(\.caught).count / group.count)%)
            """
        }
        let faults = outcomes.filter { !$0.harmless }
        let harmless = outcomes.filter(\.harmless)
        var md =
            "# Planted faults\n\nKill rate: \(rate(faults)) in \(Int(seconds)) s. "
                + """
                Harmless edits that passed, as they must: \(harmless.filter { !$0.caught }.count) of \
                \(harmless.count).\n\n
                """
            + "| concerns | caught |\n|---|---|\n"
        for (concern, group) in Dictionary(grouping: faults, by: \.concerns).sorted(by: { $0.key < $1.key }) {
            md += "| \(concern) | \(rate(group)) |\n"
        }
        md += "\n| fault | concerns | what | verdict | seconds | first failure |\n|---|---|---|---|---|---|\n"
        for o in outcomes {
            let first = (o.firstFailure ?? "-").replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(
                of: "\n", with: " ")
            let verdict =
                o.harmless ? (o.caught ? "**false alarm**" : "passed (harmless)") : (o.caught ? "caught" : "**missed**")
            md += "| \(o.id) | \(o.concerns) | \(o.description) | \(verdict) | \(Int(o.seconds)) | \(first) |\n"
        }
        try md.write(to: folder.appendingPathComponent("mutate.md"), atomically: true, encoding: .utf8)
    }

    private func runGenerated() throws {
        let env = ProcessInfo.processInfo.environment
        let root = ProjectLayout.root
        let all = try GeneratedMutants.all(root: root)
        var chosen = all
        if let only = env["MUTATE_ONLY"], !only.isEmpty {
            let wanted = Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let unknown = wanted.subtracting(all.map(\.id))
            guard unknown.isEmpty else {
                throw ValidationError(
                    "MUTATE_ONLY names no generated mutant: \(unknown.sorted().joined(separator: ", "))")
            }
            chosen = all.filter { wanted.contains($0.id) }
        }
        if let files {
            chosen = chosen.filter { $0.file.hasPrefix(files) }
            guard !chosen.isEmpty else {
                throw ValidationError("--files \(files): no generated mutant is in a file under that path")
            }
        }
        if let sample {
            guard sample > 0 else {
                throw ValidationError("--sample takes a number of mutants of at least 1, got \(sample)")
            }
            chosen = chosen.sample(sample, seed: sampleSeed)
        }
        if list {
            for mutant in chosen {
                print("\(mutant.id)\t\(mutant.file):\(mutant.line)\t\(mutant.operator)\t\(mutant.summary)")
                // Mutants named one by one: their line before and after, to tell apart two edits
                // that read alike (each key of one ORDER BY reversed, say).
                if !(env["MUTATE_ONLY"] ?? "").isEmpty {
                    let text = try String(contentsOf: root.appendingPathComponent(mutant.file), encoding: .utf8)
                    let before = text.components(separatedBy: "\n")
                    let after = try mutant.apply(to: text).components(separatedBy: "\n")
                    if before.indices.contains(mutant.line - 1) { print("    - " + before[mutant.line - 1]) }
                    if after.indices.contains(mutant.line - 1) { print("    + " + after[mutant.line - 1]) }
                }
            }
            print("\(chosen.count) of \(all.count) generated mutants")
            return
        }
        if let coordinator = env["CITUS_COORDINATOR"], !coordinator.isEmpty {
            throw ValidationError(
                """
                citus-verify mutate runs on an embedded cluster of its own only; CITUS_COORDINATOR is set \
                (\(coordinator)): unset it
                """
            )
        }
        let equivalentList = try EquivalentMutant.list(at: root.appendingPathComponent("mutations/equivalent.json"))
        let unknown = Set(equivalentList.map(\.id)).subtracting(all.map(\.id))
        guard unknown.isEmpty else {
            throw ValidationError(
                """
                mutations/equivalent.json names mutants the generators no longer make: \
                \(unknown.sorted().joined(separator: ", ")) (remove them)
                """
            )
        }
        let folder = root.appendingPathComponent("reports/mutate")
        var carried: [GeneratedMutantOutcome] = []
        if resume || rejudge,
            let data = FileManager.default.contents(atPath: folder.appendingPathComponent("generated.json").path)
        {
            let previous: GeneratedMutationReport
            do { previous = try JSONDecoder().decode(GeneratedMutationReport.self, from: data) } catch {
                throw ValidationError(
                    """
                    --resume: reports/mutate/generated.json is not a generated-mutant report (\(error)); remove \
                    it or run without --resume
                    """
                )
            }
            carried = previous.carried(
                generated: Set(all.map(\.id)), chosen: Set(chosen.map(\.id)), rejudgeKilled: rejudge)
            let killedBefore = Set(carried.map(\.mutant.id))
            chosen = chosen.filter { !killedBefore.contains($0.id) }
            print(
                """
                mutate: \(rejudge ? "judging again" : "resuming"): \(carried.count) outcomes carried from \
                reports/mutate/generated.json, \
                \(chosen.count) mutants to run
                """
            )
        }
        // In the generators' order: the whole set reads file by file whichever parts ran when.
        let position = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($0.element.id, $0.offset) })
        let seed = sample == nil ? nil : sampleSeed
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func write(_ outcomes: [GeneratedMutantOutcome], seconds: Double, finished: Bool) throws
            -> GeneratedMutationReport
        {
            var report = GeneratedMutationReport(
                outcomes: (carried + outcomes).sorted {
                    position[$0.mutant.id, default: 0] < position[$1.mutant.id, default: 0]
                },
                seconds: seconds, generated: all.count, sampleSeed: seed)
            report.finished = finished ? ISO8601DateFormatter().string(from: Date()) : nil
            try JSONOutput.encode(report).write(
                to: folder.appendingPathComponent("generated.json"), atomically: true, encoding: .utf8)
            try report.markdown.write(
                to: folder.appendingPathComponent("generated.md"), atomically: true, encoding: .utf8)
            return report
        }
        var run = GeneratedMutationRun(
            workspace: MutationWorkspace(work: URL(fileURLWithPath: work), port: port), mutants: chosen,
            generated: all.count,
            equivalent: Dictionary(uniqueKeysWithValues: equivalentList.map { ($0.id, $0) }), sampleSeed: seed)
        run.progress = { outcomes, seconds in _ = try write(outcomes, seconds: seconds, finished: false) }
        let finished =
            chosen.isEmpty
            ? GeneratedMutationReport(outcomes: [], seconds: 0, generated: all.count, sampleSeed: nil) : try run.run()
        let report = try write(finished.outcomes, seconds: finished.seconds, finished: true)
        let (killed, counted) = GeneratedMutationReport.score(report.outcomes)
        print(
            "mutate: \(killed) of \(counted) generated mutants killed, \(report.survivors.count) survived, "
                + """
                \(report.outcomes.count - counted) equivalent or stillborn, in \(Int(report.seconds)) s; \
                reports/mutate/generated.md
                """
        )
        for survivor in report.survivors {
            let mutant = survivor.mutant
            print("  survived: \(mutant.id) \(mutant.file):\(mutant.line) \(mutant.summary)")
        }
        if !report.survivors.isEmpty && !reportOnly { throw ExitCode(1) }
    }
}
