import Foundation
import Testing

@testable import ClusterFixtures
@testable import ClusterTesting
@testable import Reports

@Suite("Sign-off: the checklist, its claims and the run's results")
struct SignoffTests {
    static let checklist = SeedChecklist(
        text: """
            # Title
            ## Phase 1: Regular Table (Baseline)
            ### SQL Scripts
            - [x] Create scripts/setup/00_create_base_table.sql
              - [x] Indexes (idx_orders_user_id)
              - [x] Verify with citus_version()
            ### Verification
            - [x] Tables created successfully
            - [ ] 10,000+ orders seeded
            ## Documentation
            - [x] Create README.md with quick start guide
            - [ ] Verify all npm scripts work:
              - [ ] `npm run setup`
              - [ ] `npm run load`
            ## Testing & Validation
            - [ ] Capture performance metrics for comparison
            """)

    static func claim(_ test: String?, _ items: ChecklistItem...) -> ChecklistClaim {
        ChecklistClaim(
            suite: "Phase1Tests.Phase1Tests", test: test, displayName: test ?? "Phase 1", items: items,
            evidence: ["seen: \(test ?? "suite")"], seconds: 0.1)
    }

    @Test("Verification lines are those under Verification, Testing & Validation, and a Verify line with its children")
    func parsing() {
        #expect(
            Self.checklist.provableLabels == [
                "Tables created successfully", "10,000+ orders seeded", "`npm run setup`",
                "`npm run load`", "Capture performance metrics for comparison",
            ])
        let parent = Self.checklist.lines.first { $0.label == "Verify all npm scripts work:" }
        #expect(parent?.children == ["`npm run setup`", "`npm run load`"])
        #expect(Self.checklist.lines.first { $0.label.hasPrefix("Indexes") }?.kind == .deliverable)
        #expect(
            Self.checklist.lines.first { $0.label.hasPrefix("Verify with") }?.kind == .deliverable,
            "a script's content, not a check")
    }

    @Test("A line is ticked only when every test claiming it passed; unclaimed, failed and skipped lines are not")
    func verdicts() {
        let results = JUnitResults(outcomes: [
            "Phase1Tests.Phase1Tests/a()": .passed, "Phase1Tests.Phase1Tests/b()": .failed,
            "Phase1Tests.Phase1Tests/c()": .skipped,
        ])
        let signoff = Signoff(
            checklist: Self.checklist,
            claims: [
                Self.claim("a()", .tablesCreated), Self.claim("b()", .ordersSeeded), Self.claim("a()", .ordersSeeded),
                Self.claim("c()", .npmSetup), Self.claim("a()", .npmLoad),
            ],
            results: results, cluster: ["coordinator x"])
        let byLabel = Dictionary(uniqueKeysWithValues: signoff.verdicts.map { ($0.label, $0) })
        #expect(byLabel["Tables created successfully"]?.ticked == true)
        #expect(byLabel["10,000+ orders seeded"]?.ticked == false, "one of its two tests failed")
        #expect(byLabel["`npm run setup`"]?.ticked == false, "its test was skipped")
        #expect(byLabel["`npm run load`"]?.ticked == true)
        #expect(byLabel["Capture performance metrics for comparison"]?.ticked == false, "no test claims it")
        #expect(!signoff.isComplete)
        let document = signoff.markdown
        #expect(document.contains("- [x] Tables created successfully"))
        #expect(document.contains("- [ ] 10,000+ orders seeded **not verified"))
        #expect(document.contains("- [ ] Verify all npm scripts work: (not verified"))
        #expect(document.contains("seen: a()"), "evidence is listed")
        #expect(document.contains("- Create scripts/setup/00_create_base_table.sql"), "deliverables without a box")
    }

    @Test("A suite's claim holds when all its tests passed, and only then")
    func suiteClaims() {
        let passing = JUnitResults(outcomes: [
            "Phase1Tests.Phase1Tests/a()": .passed, "Phase1Tests.Phase1Tests/b()": .passed,
        ])
        let failing = JUnitResults(outcomes: [
            "Phase1Tests.Phase1Tests/a()": .passed, "Phase1Tests.Phase1Tests/b()": .failed,
        ])
        let claims = [Self.claim(nil, .tablesCreated)]
        #expect(
            Signoff(checklist: Self.checklist, claims: claims, results: passing, cluster: []).verdict(
                on: "Tables created successfully"
            ).ticked)
        #expect(
            !Signoff(checklist: Self.checklist, claims: claims, results: failing, cluster: []).verdict(
                on: "Tables created successfully"
            ).ticked)
        #expect(
            !Signoff(checklist: Self.checklist, claims: claims, results: JUnitResults(outcomes: [:]), cluster: [])
                .verdict(on: "Tables created successfully").ticked)
    }

    @Test("JUnit files: passed, failed and skipped test cases by suite and name")
    func junit() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("junit-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: file) }
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites><testsuite name="TestResults" tests="3">
        <testcase classname="M.S" name="a()" time="0.1" />
        <testcase classname="M.S" name="b()" time="0.1"><failure message="x" /></testcase>
        <testcase classname="M.T" name="c()" time="0"><skipped><![CDATA[no Citus]]></skipped></testcase>
        </testsuite></testsuites>
        """.write(to: file, atomically: true, encoding: .utf8)
        let results = try JUnitResults(contentsOf: file)
        #expect(results.outcome(suite: "M.S", test: "a()") == .passed)
        #expect(results.outcome(suite: "M.S", test: "b()") == .failed)
        #expect(results.outcome(suite: "M.T", test: "c()") == .skipped)
        #expect(results.outcome(suite: "M.S") == .failed)
        #expect(results.outcome(suite: "M.X") == nil)
    }

    @Test("Every verification line of the seed checklist is a checklist item claimed by at least one test")
    func everyLineClaimed() throws {
        let checklist = try SeedChecklist(contentsOf: SeedChecklist.projectFile)
        let labels = checklist.provableLabels
        #expect(
            Set(labels) == Set(ChecklistItem.allCases.map(\.rawValue)),
            "ChecklistItem mirrors the file's verification lines")
        // The claims are the .proves(...) traits in the test sources.
        let tests = ProjectLayout.root.appendingPathComponent("Tests")
        var claimed: Set<String> = []
        for case let file as URL in FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil)!
        where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            var rest = text[...]
            while let start = rest.range(of: ".proves(") {
                let args = rest[start.upperBound...].prefix { $0 != ")" }
                for name in args.split(separator: ",") {
                    claimed.insert(
                        name.trimmingCharacters(in: .whitespaces).trimmingCharacters(
                            in: CharacterSet(charactersIn: ".")))
                }
                rest = rest[start.upperBound...]
            }
        }
        claimed.remove("_ items: ChecklistItem...")
        for item in ChecklistItem.allCases {
            #expect(claimed.contains("\(item)"), "no test claims “\(item.rawValue)” (.proves(.\(item)))")
        }
    }

    static func record(_ operation: String, fault: String? = nil, stall: Double, inDoubt: Int, violations: Int = 0)
        -> AvailabilityRecord
    {
        AvailabilityRecord(
            operation: operation, fault: fault, outcome: fault == nil ? "completed" : "failed: connection reset",
            seconds: 3, acknowledged: 120, longestWriteStall: stall, inDoubt: inDoubt,
            inDoubtLanded: inDoubt > 0 ? 1 : 0,
            errorsBySQLState: inDoubt > 0 ? ["08006": inDoubt] : [:], movedShardGroups: fault == nil ? 4 : nil,
            coveredShardGroups: fault == nil ? 4 : nil, violations: violations)
    }

    @Test(
        """
        The sign-off's availability table lists each operation's figures once, and each fault scenario with its \
        result, its figures under the fault and its evidence
        """
    )
    func availabilityAndFaults() {
        var phase3 = Self.claim("moves()", .tablesCreated)
        phase3.availability = [
            Self.record("rebalance", stall: 0.25, inDoubt: 0), Self.record("drain worker1", stall: 1.5, inDoubt: 0),
        ]
        var again = Self.claim("again()", .tablesCreated)
        again.availability = [Self.record("rebalance", stall: 9.75, inDoubt: 0)]
        let held = ChecklistClaim(
            suite: "ResilienceTests.NetworkFaultTests", test: "networkFault(_:)", displayName: "A network fault",
            items: [], evidence: ["reset during copy: the move failed"], seconds: 21,
            availability: [
                Self.record(
                    "shard move worker1 → worker3", fault: "connections reset during the copy", stall: 4.5,
                    inDoubt: 2)
            ])
        let broken = ChecklistClaim(
            suite: "ResilienceTests.JobFaultTests", test: "coordinatorCrash()", displayName: "The coordinator crashes",
            items: [], evidence: [], seconds: 30)
        let results = JUnitResults(outcomes: [
            "Phase1Tests.Phase1Tests/moves()": .passed, "Phase1Tests.Phase1Tests/again()": .passed,
            "ResilienceTests.NetworkFaultTests/networkFault(_:)": .passed,
            "ResilienceTests.JobFaultTests/coordinatorCrash()": .failed,
        ])
        let signoff = Signoff(
            checklist: Self.checklist, claims: [phase3, again, held, broken], results: results, cluster: [])
        #expect(
            signoff.availability.map(\.operation) == ["rebalance", "drain worker1"],
            "the first record of each operation, faults apart")
        #expect(signoff.faultScenarios.map(\.result) == ["passed", "failed"])
        #expect(signoff.verdict(on: "Tables created successfully").ticked, "a fault scenario claims no checklist line")
        let document = signoff.markdown
        #expect(document.contains("## Availability per operation"))
        #expect(document.contains("| rebalance | completed | 120 | 0.25 | 0 | none | 4 of 4 | 0 |"))
        #expect(!document.contains("| 9.75 |"), "a later record of the same operation is not a second row")
        #expect(document.contains("2 scenarios, 1 passed, **1 not passed**."))
        #expect(
            document.contains(
                """
                | connections reset during the copy | shard move worker1 → worker3 | failed: connection reset | \
                120 | 4.50 | 2 (1 landed) | 2× 08006 | - | 0 | passed |
                """
            ))
        #expect(document.contains("- ✘ \"The coordinator crashes\" (failed, 30.0 s)"))
        #expect(
            document.contains(
                """
                - ✔ \"A network fault\" (passed, 21.0 s): connections reset during the copy\n    reset during \
                copy: the move failed
                """
            ))

        let none = Signoff(
            checklist: Self.checklist, claims: [Self.claim("a()", .tablesCreated)], results: results, cluster: []
        ).markdown
        #expect(none.contains("No fault scenario ran in this run"), "no fault scenario is said, not left out")
        #expect(none.contains("No operation of this run recorded writers' figures"))
    }

    @Test(
        "Known issues a test met are listed in the sign-off once per test, with the test; a run that met none says so")
    func knownIssues() {
        var late = Self.claim("late()", .tablesCreated)
        late.knownIssues = ["a late write (citusdata/citus#3780): w1-1 invisible until recovery"]
        var again = Self.claim("again()", .tablesCreated)
        again.knownIssues = late.knownIssues! + late.knownIssues!
        let results = JUnitResults(outcomes: [
            "Phase1Tests.Phase1Tests/late()": .passed, "Phase1Tests.Phase1Tests/again()": .passed,
        ])
        let signoff = Signoff(
            checklist: Self.checklist, claims: [late, again, Self.claim("plain()", .tablesCreated)], results: results,
            cluster: [])
        #expect(signoff.knownIssues.map(\.test) == ["late()", "again()"], "once per test, in the claims' order")
        #expect(signoff.markdown.contains("## Known issues seen in this run"))
        #expect(
            signoff.markdown.contains(
                "- a late write (citusdata/citus#3780): w1-1 invisible until recovery (test \"late()\")"))
        #expect(ReportIndex.summary(of: signoff).knownIssues?.count == 2)
        let none = Signoff(
            checklist: Self.checklist, claims: [Self.claim("a()", .tablesCreated)], results: results, cluster: [])
        #expect(none.knownIssues.isEmpty)
        #expect(none.markdown.contains("None: no test of this run met a known issue"), "none is said, not left out")
    }

    @Test(
        """
        A known issue a test met is kept as its evidence on one line, with what was seen: the comments, or the \
        error thrown
        """
    )
    func knownIssueKept() {
        let evidence = Evidence()
        Evidence.$current.withValue(evidence) {
            Evidence.knownIssue("a defect (citusdata/citus#1)", seen: ["seen once"], error: nil)
            Evidence.knownIssue(
                "a defect that throws", seen: [], error: SeenError(description: "first line\nsecond line"))
        }
        #expect(
            evidence.knownIssues == [
                "a defect (citusdata/citus#1): seen once", "a defect that throws: first line second line",
            ])
    }

    @Test("A claim written before availability was kept still reads, with none")
    func oldClaimLine() throws {
        let line =
            #"{"suite":"S","test":"t()","displayName":"t","items":["Tables created successfully"],"#
            + #""evidence":[],"seconds":1}"#
        let claim = try JSONDecoder().decode(ChecklistClaim.self, from: Data(line.utf8))
        #expect(claim.availability == nil && !claim.isFaultScenario)
    }

    static func upgradeClaim(_ test: String, evidence: [String] = [], availability: [AvailabilityRecord]? = nil)
        -> ChecklistClaim
    {
        ChecklistClaim(
            suite: "Phase5Tests.Phase5Tests", test: test, displayName: "upgrade check \(test)", items: [],
            evidence: evidence, seconds: 0.1, availability: availability, section: ChecklistClaim.upgradeSection)
    }

    /// Every provable line of `checklist` claimed by a passing test, plus `extra` outcomes.
    static func completeRun(_ extra: [String: JUnitResults.Outcome]) -> (
        claims: [ChecklistClaim], results: JUnitResults
    ) {
        let claims = [claim("a()", .tablesCreated, .ordersSeeded, .npmSetup, .npmLoad, .performanceMetrics)]
        return (claims, JUnitResults(outcomes: ["Phase1Tests.Phase1Tests/a()": .passed].merging(extra) { $1 }))
    }

    @Test(
        """
        The Upgrade section lists each check of the rehearsal with its result, evidence and the writers' figures; \
        a failed one makes the sign-off NOT COMPLETE
        """
    )
    func upgradeSection() {
        let writers = AvailabilityRecord(
            operation: "citus upgrade", outcome: "completed", seconds: 12, acknowledged: 345,
            longestWriteStall: 4.5, inDoubt: 0, errorsBySQLState: ["XX000": 241], violations: 0)
        let run = Self.completeRun([
            "Phase5Tests.Phase5Tests/restarts()": .passed, "Phase5Tests.Phase5Tests/writes()": .failed,
        ])
        let claims =
            run.claims + [
                Self.upgradeClaim("restarts()", evidence: ["downtime per node: coordinator 1.20 s"]),
                Self.upgradeClaim("writes()", availability: [writers]),
            ]
        let signoff = Signoff(checklist: Self.checklist, claims: claims, results: run.results, cluster: [])
        let document = signoff.markdown
        #expect(document.contains("## Upgrade"))
        #expect(document.contains("2 checks, 1 passed, **1 not passed**"))
        #expect(document.contains("- ✔ upgrade check restarts() (passed"))
        #expect(document.contains("    downtime per node: coordinator 1.20 s"))
        #expect(document.contains("- ✘ upgrade check writes() (failed"))
        #expect(document.contains("| citus upgrade |"), "the writers' figures across the upgrade")
        #expect(signoff.faultScenarios.isEmpty, "an upgrade check is not a fault scenario")
        #expect(!signoff.isComplete)
        let passing = Signoff(
            checklist: Self.checklist, claims: claims,
            results: Self.completeRun([
                "Phase5Tests.Phase5Tests/restarts()": .passed,
                "Phase5Tests.Phase5Tests/writes()": .passed,
            ]).results, cluster: [])
        #expect(passing.isComplete)
    }

    @Test(
        """
        A skipped rehearsal: the Upgrade section says why, and the checklist's completeness is the checklist's; \
        any other skip still counts
        """
    )
    func upgradeSkipped() {
        let run = Self.completeRun(["Phase5Tests.Phase5Tests/restarts()": .skipped])
        let signoff = Signoff(
            checklist: Self.checklist, claims: run.claims + [Self.upgradeClaim("restarts()")], results: run.results,
            cluster: [], upgradeSkipReason: "no upgrade configured: set UPGRADE_FROM_BINDIR")
        #expect(
            signoff.markdown.contains(
                "## Upgrade\n\nNot rehearsed in this run: no upgrade configured: set UPGRADE_FROM_BINDIR"))
        #expect(signoff.isComplete)
        let other = Self.completeRun([
            "Phase5Tests.Phase5Tests/restarts()": .skipped, "Phase4Tests.Phase4Tests/x()": .skipped,
        ])
        #expect(
            !Signoff(checklist: Self.checklist, claims: other.claims, results: other.results, cluster: []).isComplete)
        #expect(
            Signoff(checklist: Self.checklist, claims: run.claims, results: run.results, cluster: []).markdown
                .contains("Not rehearsed in this run: Phase 5 did not run"))
    }
}

/// An error whose description spans lines, as a cluster's error output does.
private struct SeenError: Error, CustomStringConvertible {
    var description: String
}
