import ClusterFixtures
import Foundation

/// The sign-off document: the checklist line by line, each verification line ticked only when
/// every test that claims it passed in this run, with those tests and their evidence.
public struct Signoff: Sendable {
    public struct Verdict: Sendable {
        public var label: String
        public var ticked: Bool
        /// Why it is not ticked, when it is not.
        public var reason: String?
        /// `✔ test name (passed, 0.3 s)` followed by its evidence lines.
        public var proof: [String]
    }

    public var checklist: SeedChecklist
    public var claims: [ChecklistClaim]
    public var results: JUnitResults
    /// Versions and nodes of the cluster the run used, one line each.
    public var cluster: [String]
    public var date: Date
    /// Why the upgrade rehearsal (Phase 5) did not run, as its skip recorded it; nil when it ran or
    /// no reason was recorded.
    public var upgradeSkipReason: String?

    public init(
        checklist: SeedChecklist, claims: [ChecklistClaim], results: JUnitResults, cluster: [String],
        date: Date = Date(),
        upgradeSkipReason: String? = nil
    ) {
        self.checklist = checklist
        self.claims = claims
        self.results = results
        self.cluster = cluster
        self.date = date
        self.upgradeSkipReason = upgradeSkipReason
    }

    /// The test target of the upgrade rehearsal: its skip (no two servers to upgrade between) is
    /// reported in the "Upgrade" section and leaves the checklist's completeness alone; its
    /// failures count like any other.
    public static let upgradeSuitePrefix = UpgradePlan.testSuitePrefix

    private func outcome(of claim: ChecklistClaim) -> JUnitResults.Outcome? {
        if let test = claim.test { return results.outcome(suite: claim.suite, test: test) }
        return results.outcome(suite: claim.suite)
    }

    /// The verdict on one provable line.
    public func verdict(on label: String) -> Verdict {
        guard let item = ChecklistItem(rawValue: label) else {
            return Verdict(label: label, ticked: false, reason: "no test claims this line", proof: [])
        }
        let mine = claims.filter { $0.items.contains(item) }
        guard !mine.isEmpty else {
            return Verdict(label: label, ticked: false, reason: "no test proving it ran in this run", proof: [])
        }
        var proof: [String] = []
        var problems: [String] = []
        var seen: Set<String> = []
        for claim in mine where seen.insert("\(claim.suite)/\(claim.test ?? "")").inserted {
            let result = outcome(of: claim)
            let mark = result == .passed ? "✔" : "✘"
            let scope = claim.test == nil ? "suite " : ""
            proof.append(
                """
                \(mark) \(scope)\"\(claim.displayName)\" (\(result?.rawValue ?? "not in the JUnit file"), \
                \(String(format: "%.1f", claim.seconds)) s)
                """
            )
            proof += claim.evidence.map { "  \($0)" }
            if result != .passed { problems.append("\"\(claim.displayName)\" \(result?.rawValue ?? "has no result")") }
        }
        return Verdict(
            label: label, ticked: problems.isEmpty, reason: problems.isEmpty ? nil : problems.joined(separator: "; "),
            proof: proof)
    }

    /// A fault scenario of the run (a `.faultScenario` test, one per argument of a parameterized
    /// one): its result, evidence and the writers' figures under the fault.
    public struct FaultScenario: Sendable {
        public var name: String
        public var outcome: JUnitResults.Outcome?
        public var seconds: Double
        public var evidence: [String]
        public var records: [AvailabilityRecord]
        public var passed: Bool { outcome == .passed }
        /// "passed", "failed", "skipped" or "no result".
        public var result: String { outcome?.rawValue ?? "no result" }
    }

    /// The writers' figures for each operation of the normal run (not under a fault), the first
    /// claim recording an operation winning.
    public var availability: [AvailabilityRecord] {
        var seen: Set<String> = []
        return claims.filter { !$0.isFaultScenario }.flatMap { $0.availability ?? [] }
            .filter { $0.fault == nil && seen.insert($0.operation).inserted }
    }

    /// Every fault scenario of the run, in the order the claims were written.
    public var faultScenarios: [FaultScenario] {
        claims.filter(\.isFaultScenario).map {
            FaultScenario(
                name: $0.displayName, outcome: outcome(of: $0), seconds: $0.seconds, evidence: $0.evidence,
                records: $0.availability ?? [])
        }
    }

    /// Every check of the upgrade rehearsal in this run, in the order the claims were written.
    public var upgradeChecks: [FaultScenario] {
        claims.filter(\.isUpgrade).map {
            FaultScenario(
                name: $0.displayName, outcome: outcome(of: $0), seconds: $0.seconds, evidence: $0.evidence,
                records: $0.availability ?? [])
        }
    }

    /// Tests the run skipped, but for the upgrade rehearsal's (see `upgradeSuitePrefix`).
    var skippedOutsideUpgrade: Int {
        results.outcomes.filter { $0.value == .skipped && !$0.key.hasPrefix(Self.upgradeSuitePrefix) }.count
    }

    /// Every line that must be proved, ticked or not.
    public var verdicts: [Verdict] { checklist.provableLabels.map(verdict(on:)) }

    /// Every verification line ticked and no test of the run failed or was skipped.
    public var isComplete: Bool {
        verdicts.allSatisfy(\.ticked) && (results.counts[.failed] ?? 0) == 0 && skippedOutsideUpgrade == 0
            && !results.outcomes.isEmpty
    }

    /// The document, in Markdown.
    public var markdown: String {
        let formatter = ISO8601DateFormatter()
        let verdicts = Dictionary(self.verdicts.map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
        let counts = results.counts
        var out: [String] =
            [
                "# Migration sign-off",
                "",
                "Produced by citus-verify on \(formatter.string(from: date)).",
                """
                Result: **\(isComplete ? "COMPLETE: every verification line proved" : "NOT COMPLETE")**. Tests: \
                \(counts[.passed] ?? 0) passed, \(counts[.failed] ?? 0) failed, \(counts[.skipped] ?? 0) skipped.
                """,
                "",
                "Cluster:",
            ] + cluster.map { "- \($0)" } + [
                "",
                """
                A verification line is ticked only when every test that claims it passed in this run; deliverable \
                lines (what the seed project built) are listed without a box.
                """,
                "",
            ]
        for line in checklist.lines {
            let pad = String(repeating: " ", count: line.indent)
            switch line.kind {
            case .heading, .other:
                out.append(line.text)
            case .deliverable:
                out.append("\(pad)- \(line.label)")
            case .verification where !line.children.isEmpty:
                let done = line.children.allSatisfy { verdicts[$0]?.ticked == true }
                out.append("\(pad)- [\(done ? "x" : " ")] \(line.label)" + (done ? "" : " (not verified: see below)"))
            case .verification:
                let verdict = verdicts[line.label] ?? self.verdict(on: line.label)
                let equivalent = ChecklistItem(rawValue: line.label)?.equivalent.map { " (here: \($0))" } ?? ""
                out.append(
                    "\(pad)- [\(verdict.ticked ? "x" : " ")] \(line.label)\(equivalent)"
                        + (verdict.ticked ? "" : " **not verified: \(verdict.reason ?? "")**"))
                out += verdict.proof.map { "\(pad)    \($0)" }
            }
        }
        out += availabilitySection + faultSection + upgradeSection + knownIssueSection
        return out.joined(separator: "\n") + "\n"
    }

    /// Every known issue a test of this run met (`recordingKnownIssue`), once per test, in the
    /// claims' order: defects of Citus or PostgreSQL on the versions in `cluster`.
    public var knownIssues: [(issue: String, test: String)] {
        var seen: Set<String> = []
        return claims.flatMap { claim in (claim.knownIssues ?? []).map { (issue: $0, test: claim.displayName) } }
            .filter { seen.insert("\($0.issue)\u{0}\($0.test)").inserted }
    }

    /// The known issues, with the versions they were seen on: what whoever signs must know of.
    var knownIssueSection: [String] {
        let known = knownIssues
        var out = ["", "## Known issues seen in this run", ""]
        guard !known.isEmpty else {
            return out + ["None: no test of this run met a known issue of Citus or PostgreSQL."]
        }
        out.append(
            "Defects of Citus or PostgreSQL that a check met on this run's cluster (its versions at the top) "
                + "and recorded, each with "
                + "what was seen; docs/citus-issues.md says what each means and what the suite does about it.")
        out.append("")
        return out + known.map { "- \($0.issue) (test \"\($0.test)\")" }
    }

    /// The writers' availability in each online operation of the normal run.
    var availabilitySection: [String] {
        let records = availability
        var out = ["", "## Availability per operation", ""]
        guard !records.isEmpty else {
            return out + [
                """
                No operation of this run recorded writers' figures (Phases 3 and 4 run their operations under \
                writers).
                """
            ]
        }
        out.append(
            """
            Writers inserted and updated orders through each operation (inserts only during the tenant isolation: \
            citusdata/citus#6790); every acknowledged write was checked afterwards (last column). A stall is the \
            longest time no write was acknowledged; outcomes in doubt are transactions whose COMMIT got no answer.
            """
        )
        out.append("")
        return out + AvailabilityRecord.markdownTable(records, faults: false)
    }

    /// The upgrade rehearsal (Phase 5): each check with its result and evidence (versions before and
    /// after, each node's downtime, each step's time), the writers' figures across the upgrade; or
    /// why it did not run.
    var upgradeSection: [String] {
        let checks = upgradeChecks
        var out = ["", "## Upgrade", ""]
        // A skipped check writes no claim (the skip cancels it first); one JUnit marks skipped is not listed either.
        guard checks.contains(where: { $0.outcome != .skipped }) else {
            return out + [
                "Not rehearsed in this run: "
                    + (upgradeSkipReason ?? "Phase 5 did not run (make phase5, docs/citus.md).")
            ]
        }
        let passed = checks.filter(\.passed).count
        out.append(
            "The upgrade rehearsed on a cluster of its own that Phases 1-3 brought to the sharded state "
                + "(Phase 5, docs/citus.md): "
                + "\(checks.count) checks, \(passed) passed"
                + (passed == checks.count ? "." : ", **\(checks.count - passed) not passed**."))
        out.append("")
        let records = checks.flatMap(\.records)
        if !records.isEmpty {
            out += AvailabilityRecord.markdownTable(records, faults: false)
            out.append("")
        }
        for check in checks {
            out.append(
                """
                - \(check.passed ? "✔" : "✘") \(check.name) (\(check.result), \
                \(String(format: "%.1f", check.seconds)) s)
                """
            )
            out += check.evidence.map { "    \($0)" }
        }
        return out
    }

    /// The fault scenarios: what each injected, how the operation ended, how the writers fared,
    /// and whether its test passed.
    var faultSection: [String] {
        let scenarios = faultScenarios
        var out = ["", "## Fault scenarios", ""]
        guard !scenarios.isEmpty else {
            return out + [
                """
                No fault scenario ran in this run (they stop nodes, which only the embedded cluster allows: see \
                docs/faults.md).
                """
            ]
        }
        let passed = scenarios.filter(\.passed).count
        out.append(
            "\(scenarios.count) scenarios, \(passed) passed"
                + (passed == scenarios.count ? "." : ", **\(scenarios.count - passed) not passed**."))
        out.append("")
        let rows = scenarios.flatMap { scenario in scenario.records.map { (scenario, $0) } }
        if !rows.isEmpty {
            out += AvailabilityRecord.markdownTable(rows.map(\.1), faults: true, verdicts: rows.map { $0.0.result })
            out.append("")
        }
        for scenario in scenarios {
            // A parameterized test writes one claim per argument: its fault tells them apart.
            let faults = scenario.records.compactMap(\.fault)
            out.append(
                """
                - \(scenario.passed ? "✔" : "✘") \"\(scenario.name)\" (\(scenario.result), \
                \(String(format: "%.1f", scenario.seconds)) s)
                """
                    + (faults.isEmpty ? "" : ": " + faults.joined(separator: "; ")))
            out += scenario.evidence.map { "    \($0)" }
        }
        return out
    }
}

extension Cluster {
    /// What the sign-off says of the cluster: versions and the nodes Citus knows.
    public func signoffDescription() -> [String] {
        var lines = ["coordinator \(configuration.coordinator), database \(configuration.database)"]
        do {
            lines.append(try coordinator.value("SELECT version()", as: String.self))
            if try hasExtension("citus") {
                lines.append(try coordinator.value("SELECT citus_version()", as: String.self))
                lines += try coordinator.rows(
                    """
                    SELECT format('node %s:%s group %s, %s, %s', nodename, nodeport, groupid,
                                  CASE WHEN isactive THEN 'active' ELSE 'inactive' END,
                                  CASE WHEN shouldhaveshards THEN 'holds shards' ELSE 'holds no shards' END) AS line
                    FROM pg_dist_node ORDER BY nodeid
                    """
                ).map { try $0.get("line") }
            } else {
                lines.append("Citus: not enabled in \(configuration.database)")
            }
        } catch {
            lines.append("could not read the cluster: \(error)")
        }
        return lines
    }
}
