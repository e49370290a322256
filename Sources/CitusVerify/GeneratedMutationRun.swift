import ClusterFixtures
import Foundation
import Mutants
import Reports

/// `citus-verify mutate --generated`: every generated mutant (or a sample) against the tests that
/// read what it touches, each from a saved cluster state instead of a lifecycle rebuilt from Phase 1.
///
/// 1. The unmutated copy runs each target alone, in lifecycle order, with `CITUS_VERIFY_READ_LOG`:
///    it must pass, the SQL files each target reads are recorded, and the cluster's data folder is
///    saved before each phase (a snapshot per stage).
/// 2. An SQL mutant runs the targets that read its file, each alone from the snapshot it starts
///    from, the quickest first, until one fails; it needs no build (the tests read `sql/` at run time).
///    Where only some tests of a target load the file, those run first, then the rest; every run
///    stops at its first failure.
/// 3. The Swift mutants are compiled in once, as schemas (`SwiftSchema`: each edit behind a switch
///    set by `CITUS_VERIFY_MUTANT`), so the unmutated run of step 1 is also the schemas' proof that
///    with no mutant active they change nothing; each Swift mutant then runs the unit target and the
///    phases the same way, with its switch on. A mutant no schema can hold (a range's `..<` made
///    `...` changes its type), or whose switch does not compile, is built alone, after the others.
struct GeneratedMutationRun {
    let workspace: MutationWorkspace
    let mutants: [GeneratedMutant]
    let generated: Int
    let equivalent: [String: EquivalentMutant]
    let sampleSeed: String?
    /// Called with the outcomes so far after each mutant: the report is written as the run goes,
    /// so a run stopped half-way can be resumed (`--resume`) from what it judged.
    var progress: ([GeneratedMutantOutcome], Double) throws -> Void = { _, _ in }

    /// What a mutant can be run against: a test target, or one suite of a long target.
    struct Target: Sendable {
        var name: String
        /// The `swift test --filter` expression.
        var filter: String
        /// Needs the cluster, started from the state the unmutated run had before it.
        var usesCluster = true
        /// Rebuilds what it needs from any state (Phase 1 resets the baseline): no snapshot restored.
        var resetsItself = false
    }

    /// The unit target (no cluster) and the lifecycle, in order, then the one fault suite that
    /// runs the single-move file (35), the audit's own suite (leftovers planted on purpose: the only
    /// one that sees the audit find something) and the tool's reshard suite, the only one that runs the
    /// resharding files with the operator's choices (a tenant named by `--tenant`, a worker named by
    /// `--worker`): the suites of the mutation run. The other fault, tool and benchmark suites take
    /// minutes each and are left out (docs/mutation.md).
    static let unitTarget = Target(name: "ClusterFixturesTests", filter: "^ClusterFixturesTests\\.", usesCluster: false)
    /// The rules every SQL file keeps (statements split as psql does, labelled results in a stated
    /// order): a few seconds, run first for every SQL mutant, before any cluster target.
    static let sqlRulesTarget = Target(
        name: "SQLScriptTests", filter: "^ClusterFixturesTests\\.SQLScriptTests/", usesCluster: false)
    static let phaseTargets = [
        Target(name: "Phase1Tests", filter: "^Phase1Tests\\.", resetsItself: true),
        Target(name: "Phase2Tests", filter: "^Phase2Tests\\."),
        Target(name: "Phase3Tests", filter: "^Phase3Tests\\."),
        Target(name: "Phase4Tests", filter: "^Phase4Tests\\."),
        Target(name: "FaultTests", filter: "^ResilienceTests\\.FaultTests"),
        Target(name: "FaultAuditTests", filter: "^ResilienceTests\\.FaultAuditTests"),
        Target(name: "ToolReshardTests", filter: "^ToolTests\\.ToolReshardTests"),
    ]
    /// The reports' tests (the page's in a browser: most of their time, and far from the oracles):
    /// a Swift mutant's last target. No SQL file is read there.
    static let reportsTarget = Target(name: "ReportsTests", filter: "^ReportsTests\\.", usesCluster: false)
    static var targets: [Target] { [unitTarget, reportsTarget] + phaseTargets }

    private var snapshots: URL { workspace.work.appendingPathComponent("snapshots") }

    /// When the run was made: each line of its log says how long after, so a slow step shows.
    let created = Date()

    func log(_ text: String) {
        let seconds = Int(Date().timeIntervalSince(created))
        FileHandle.standardError.write(Data("mutate: [\(seconds) s] \(text)\n".utf8))
    }

    /// The mutated files as the copy had them when the run began: every edit is made on these, so
    /// that editing the project while a run goes on changes nothing of the run. The mutants were
    /// generated from the project a moment before the copy; a file changed in that moment no longer
    /// holds its mutants' text, and the run stops there, naming it. Filled by `run()`.
    var originals: [String: String] = [:]

    mutating func run() throws -> GeneratedMutationReport {
        let started = Date()
        try workspace.copyProject()
        for file in Set(mutants.map(\.file)) {
            originals[file] = try String(contentsOf: workspace.tree.appendingPathComponent(file), encoding: .utf8)
        }
        // Every mutant checked against its file now, not when its turn comes hours later.
        for mutant in mutants { _ = try mutant.apply(to: originals[mutant.file]!) }
        log("building the copy in \(workspace.tree.path)")
        let switched = try installSchemas()
        let (readers, durations) = try prepare()
        var outcomes: [GeneratedMutantOutcome] = []
        // Mutants built alone come last: each leaves its build behind, which no other may run on.
        let ordered =
            mutants.filter { !$0.isSwift || switched.contains($0.id) }
            + mutants.filter { $0.isSwift && !switched.contains($0.id) }
        for (number, mutant) in ordered.enumerated() {
            let began = Date()
            log(
                String(
                    format: "mutant %d of %d: %@ %@:%d %@", number + 1, mutants.count, mutant.id, mutant.file,
                    mutant.line, mutant.summary))
            var outcome: GeneratedMutantOutcome
            if let known = equivalent[mutant.id] {
                outcome = GeneratedMutantOutcome(
                    mutant: mutant, verdict: .equivalent, detail: known.reason, targets: [], seconds: 0)
            } else {
                // An error of the run itself (a snapshot not restored, the cluster not starting) stops
                // the whole run: a kill is counted only where a test failed or hung.
                outcome = try run(
                    mutant, switched: switched.contains(mutant.id), readers: readers, durations: durations)
                outcome.seconds = Date().timeIntervalSince(began)
            }
            log("  \(outcome.verdict.rawValue) in \(Int(outcome.seconds)) s: \(outcome.detail.prefix(200))")
            outcomes.append(outcome)
            try progress(outcomes, Date().timeIntervalSince(started))
        }
        // The copy ends holding the project as it is now (no schema, no mutant), the cluster stopped.
        try workspace.copyProject()
        _ = try? workspace.cluster("down")
        return GeneratedMutationReport(
            outcomes: outcomes, seconds: Date().timeIntervalSince(started), generated: generated, sampleSeed: sampleSeed
        )
    }

    /// Who loads a file within one target.
    enum Readers: Sendable {
        /// A suite's own setup (a phase's operations) or a reader nobody could name: every test.
        case wholeTarget
        /// Only these tests (ids in `swift test --filter` form).
        case tests(Set<String>)

        mutating func add(_ reader: String?) {
            guard case .tests(let known) = self, let reader, !reader.hasPrefix("suite:") else {
                self = .wholeTarget
                return
            }
            self = .tests(known.union([reader]))
        }
    }

    /// Runs the unmutated targets, saving a snapshot before each one that uses the cluster and
    /// recording which SQL files each reads (and which of its tests read them) and how long each
    /// takes. Returns file → target name → readers.
    private func prepare() throws -> (readers: [String: [String: Readers]], seconds: [String: Double]) {
        var seconds: [String: Double] = [:]
        _ = try workspace.cluster("destroy")
        try? FileManager.default.removeItem(at: snapshots)
        try FileManager.default.createDirectory(at: snapshots, withIntermediateDirectories: true)
        var readers: [String: [String: Readers]] = [:]
        for target in Self.targets {
            if target.usesCluster {
                try saveSnapshot(before: target.name)
                try startCluster()
            }
            log("unmutated \(target.name), recording the SQL files it reads")
            let readLog = workspace.work.appendingPathComponent("reads-\(target.name).log")
            try? FileManager.default.removeItem(at: readLog)
            let began = Date()
            let outcome = try workspace.test(
                filter: target.filter, extraEnvironment: ["CITUS_VERIFY_READ_LOG": readLog.path])
            seconds[target.name] = Date().timeIntervalSince(began)
            guard outcome.status == 0, !MutationWorkspace.verdict(of: outcome).ranNothing else {
                throw unmutatedFailure(target.name, outcome)
            }
            for entry in (try? ReadLog.entries(at: readLog)) ?? [] {
                switch entry {
                case .file(let path): readers[path, default: [:]][target.name, default: .tests([])].add(nil)
                case .fileReadBy(let path, let reader):
                    readers[path, default: [:]][target.name, default: .tests([])].add(reader)
                default: break
                }
            }
        }
        _ = try workspace.cluster("down")
        log(
            "unmutated targets passed: "
                + seconds.sorted { $0.value < $1.value }.map { "\($0.key) \(Int($0.value)) s" }.joined(separator: ", "))
        return (readers, seconds)
    }

    private func unmutatedFailure(_ target: String, _ outcome: ChildProcess.Outcome) -> MutationCatalogueError {
        MutationCatalogueError(
            description: "the unmutated copy fails \(target): "
                + (MutationWorkspace.verdict(of: outcome).firstFailure ?? String(outcome.output.suffix(400)))
                + " (fix that before judging mutants)")
    }

    private func startCluster() throws {
        let up = try workspace.cluster("up")
        guard up.status == 0 else {
            throw MutationCatalogueError(
                description: "the mutants' cluster did not start: \(up.errorOutput.suffix(400))")
        }
    }

    /// Stops the cluster and keeps a copy of its data folder as the state `target` starts from.
    private func saveSnapshot(before target: String) throws {
        if FileManager.default.fileExists(atPath: workspace.clusterDir) {
            _ = try workspace.cluster("down")
            try workspace.shell(
                """
                cp -a \(workspace.quote(workspace.clusterDir)) \
                \(workspace.quote(snapshots.appendingPathComponent(target).path))
                """
            )
        } else {
            try workspace.shell("mkdir -p \(workspace.quote(snapshots.appendingPathComponent(target).path))")
        }
    }

    /// Puts the cluster back in the state `target` starts from, and starts it.
    private func restoreSnapshot(before target: String) throws {
        _ = try workspace.cluster("down")
        let saved = snapshots.appendingPathComponent(target).path
        try workspace.shell(
            """
            rm -rf \(workspace.quote(workspace.clusterDir)) && cp -a \(workspace.quote(saved)) \
            \(workspace.quote(workspace.clusterDir))
            """
        )
        try startCluster()
    }

    /// Writes the schema of every Swift file with mutants to run (each mutant that is neither
    /// equivalent nor unswitchable), and the switch function into each module they are in, then
    /// builds the copy. A switch that does not compile is found from the compiler's error position
    /// and left out, and the copy built again (at most a few times; then no schema at all). Returns
    /// the mutants switched in the build.
    private func installSchemas() throws -> Set<String> {
        let swift = mutants.filter { $0.isSwift && equivalent[$0.id] == nil }
        var wanted = Set(swift.map(\.id))
        let files = Set(swift.map(\.file)).sorted()
        for attempt in 1...5 where !wanted.isEmpty {
            var schemas: [String: SwiftSchema] = [:]
            for file in files {
                let schema = SwiftSchema(file: file, text: originals[file]!, ids: wanted)
                try schema.text.write(
                    to: workspace.tree.appendingPathComponent(file), atomically: true, encoding: .utf8)
                schemas[file] = schema
            }
            for module in Set(files.map { $0.split(separator: "/").prefix(2).joined(separator: "/") }) {
                try SwiftSchema.switchSource.write(
                    to: workspace.tree.appendingPathComponent("\(module)/CitusVerifyMutantSwitch.swift"),
                    atomically: true, encoding: .utf8)
            }
            let switchedNow = Set(schemas.values.flatMap(\.ids))
            log("building the copy with \(switchedNow.count) Swift mutants switched in (attempt \(attempt))")
            let built = try workspace.buildOutcome()
            if built.status == 0 { return switchedNow }
            // `path:line:column: error:` of a schema: the innermost switch around it stays out.
            let prefix = workspace.tree.path + "/"
            var culprits = Set<String>()
            for line in built.output.split(separator: "\n") where line.contains(": error:") {
                let parts = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
                guard parts.count == 4, let row = Int(parts[1]), let column = Int(parts[2]) else { continue }
                let path = parts[0].hasPrefix(prefix) ? String(parts[0].dropFirst(prefix.count)) : String(parts[0])
                guard let schema = schemas[path], let offset = schema.offset(line: row, column: column) else {
                    continue
                }
                // Inside a switch: that switch. Elsewhere in a schema: every switch of the statement.
                if let culprit = schema.mutants(at: offset).first {
                    culprits.insert(culprit)
                } else {
                    culprits.formUnion(schema.mutants(inStatementAt: offset))
                }
            }
            guard !culprits.isEmpty else {
                log(
                    "the schemas do not compile, and no error is inside a switch: every Swift mutant is built alone\n"
                        + built.output.suffix(1500))
                break
            }
            log("switches that do not compile, built alone instead: \(culprits.sorted().joined(separator: ", "))")
            wanted.subtract(culprits)
        }
        // No schema: the original files, built as they are, and no switch.
        for (file, text) in originals {
            try text.write(to: workspace.tree.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        for module in Set(files.map { $0.split(separator: "/").prefix(2).joined(separator: "/") }) {
            try? FileManager.default.removeItem(
                at: workspace.tree.appendingPathComponent("\(module)/CitusVerifyMutantSwitch.swift"))
        }
        try workspace.build()
        return []
    }

    private func run(
        _ mutant: GeneratedMutant, switched: Bool, readers: [String: [String: Readers]], durations: [String: Double]
    ) throws
        -> GeneratedMutantOutcome
    {
        if switched {
            return try run(
                mutant, environment: [SwiftSchema.environmentVariable: mutant.id], readers: readers,
                durations: durations)
        }
        // The edit is made on the file as written (the copy may hold its schema), and undone
        // after, or the run stops: a later mutant must never run with this one still in.
        let file = workspace.tree.appendingPathComponent(mutant.file)
        let inTree = try String(contentsOf: file, encoding: .utf8)
        try mutant.apply(to: originals[mutant.file]!).write(to: file, atomically: true, encoding: .utf8)
        let outcome = Result { try run(mutant, environment: [:], readers: readers, durations: durations) }
        try inTree.write(to: file, atomically: true, encoding: .utf8)
        return try outcome.get()
    }

    /// Runs the targets that read what `mutant` touches, its edit in place (or switched on by
    /// `environment`), until one fails.
    private func run(
        _ mutant: GeneratedMutant, environment: [String: String], readers: [String: [String: Readers]],
        durations: [String: Double]
    )
        throws -> GeneratedMutantOutcome
    {
        let switched = !environment.isEmpty
        let names: Set<String>
        let readersHere = readers[mutant.file] ?? [:]
        if mutant.isSwift {
            if !switched {
                do { try workspace.build() } catch {
                    return GeneratedMutantOutcome(
                        mutant: mutant, verdict: .stillborn, detail: "does not compile", targets: [], seconds: 0)
                }
            }
            // The oracles judge the lifecycle: every target may read what the mutant changed.
            names = Set(Self.targets.map(\.name))
        } else {
            names = Set(readersHere.keys)
        }
        guard !names.isEmpty else {
            return GeneratedMutantOutcome(
                mutant: mutant, verdict: .survived, detail: "no test target of the mutation run reads \(mutant.file)",
                targets: [], seconds: 0)
        }
        // The quickest first, most mutants dying in the first target that reads what they touch;
        // for an SQL mutant the files' rules first, the rest of the unit target last (it only
        // parses the files).
        var ordered = Self.targets.filter { names.contains($0.name) }.sorted { a, b in
            if !mutant.isSwift, a.usesCluster != b.usesCluster { return a.usesCluster }
            return durations[a.name, default: 0] < durations[b.name, default: 0]
        }
        // A Swift mutant may change how every stage is built (the seed's hashing, a check a step
        // runs): a stage saved without it is not reused under it (its fingerprint differs), so the
        // phases run as a whole lifecycle does, in order on one cluster, each from where the one
        // before left it; the other targets then from their snapshots, quickest first.
        let lifecycle = Self.phaseTargets.prefix(4).map(\.name)
        if mutant.isSwift {
            let phases = lifecycle.compactMap { name in ordered.first { $0.name == name } }
            ordered =
                [Self.unitTarget] + phases
                + ordered.filter {
                    ![Self.unitTarget.name, Self.reportsTarget.name].contains($0.name) && !lifecycle.contains($0.name)
                }
                + [Self.reportsTarget]
        } else {
            ordered.insert(Self.sqlRulesTarget, at: 0)
        }
        var ran: [String] = []
        for target in ordered {
            let continuesLifecycle =
                mutant.isSwift
                && lifecycle.firstIndex(of: target.name).map { $0 > 0 && ran.last == lifecycle[$0 - 1] } == true
            ran.append(target.name)
            // A file only some tests load: those tests first (most mutants die there), then the
            // rest of the target, so that a survivor has passed every test of it all the same.
            var runs: [(filter: String, skip: String?)] = [(target.filter, nil)]
            if !mutant.isSwift, case .tests(let tests)? = readersHere[target.name], !tests.isEmpty {
                let pattern =
                    "^(" + tests.sorted().map { NSRegularExpression.escapedPattern(for: $0) }.joined(separator: "|")
                    + ")"
                runs = [(pattern, nil), (target.filter, pattern)]
            }
            for (filter, skip) in runs {
                if target.usesCluster && !continuesLifecycle {
                    if target.resetsItself { try startCluster() } else { try restoreSnapshot(before: target.name) }
                }
                // As mutation tools do: a run far slower than the unmutated one is a kill (a mutant
                // that turns a seed's join into minutes of nested loops would otherwise cost the
                // 600 s bound each time).
                // The files' rules were never timed alone: the unit target they belong to bounds them.
                let unmutated = durations[target.name] ?? durations[Self.unitTarget.name] ?? 200
                let bound = min(600, Int(3 * unmutated) + 60)
                let outcome: ChildProcess.Outcome
                do {
                    outcome = try workspace.test(
                        filter: filter, skip: skip, extraEnvironment: environment, timeLimit: .seconds(bound),
                        stopAtFirstFailure: true)
                } catch is ChildProcess.TimedOut {
                    return GeneratedMutantOutcome(
                        mutant: mutant, verdict: .killed,
                        detail:
                            """
                            \(target.name) did not end within \(bound) s (3 times its unmutated \(Int(unmutated)) \
                            s, plus 60 s)
                            """,
                        targets: ran, seconds: 0)
                }
                let verdict = MutationWorkspace.verdict(of: outcome)
                if verdict.ranNothing && skip == nil {
                    throw MutationCatalogueError(
                        description: "the filter \(filter) for the tests that load \(mutant.file) matches no test")
                }
                if verdict.failed {
                    return GeneratedMutantOutcome(
                        mutant: mutant, verdict: .killed, detail: "\(target.name): " + (verdict.firstFailure ?? ""),
                        targets: ran, seconds: 0)
                }
            }
        }
        return GeneratedMutantOutcome(
            mutant: mutant, verdict: .survived, detail: "every test of \(ran.joined(separator: ", ")) passed",
            targets: ran, seconds: 0)
    }
}
