import ClusterFixtures
import Foundation
import Testing

/// Marks a test (or a whole suite) as the proof of checklist lines. While it runs, its
/// `Evidence.note` lines are collected; afterwards, when `CITUS_VERIFY_CLAIMS` names a file, the
/// claim is appended there for the sign-off, which ticks the lines only if the test passed.
///
/// The claim is written whatever the outcome: whether the test passed is read from the same run's
/// JUnit file, never decided here.
public struct ProvesTrait: TestTrait, SuiteTrait, TestScoping {
    public let items: [ChecklistItem]
    /// The sign-off section of a claim that proves no checklist line (nil: the fault scenarios).
    public var section: String? = nil

    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let evidence = Evidence()
        let clock = ContinuousClock()
        let start = clock.now
        defer {
            if let path = ProcessInfo.processInfo.environment["CITUS_VERIFY_CLAIMS"], !path.isEmpty {
                let (suite, function) = TestIdentity.of(test)
                let claim = ChecklistClaim(
                    suite: suite, test: function, displayName: test.displayName ?? test.name,
                    items: items, evidence: evidence.notes, seconds: start.duration(to: clock.now).seconds,
                    availability: evidence.availability, knownIssues: evidence.knownIssues, section: section)
                do { try claim.append(to: path) } catch {
                    Issue.record("could not write the claim to \(path): \(error)")
                }
            }
        }
        try await Evidence.$current.withValue(evidence) { try await function() }
    }
}

extension Trait where Self == ProvesTrait {
    /// This test (or suite) proves these checklist lines.
    public static func proves(_ items: ChecklistItem...) -> Self { ProvesTrait(items: items) }

    /// This test (or suite) injects faults: no checklist line names them, so its claim (outcome,
    /// evidence, the writers' availability under the fault) goes to the sign-off's section of fault
    /// scenarios. A failed or skipped one still makes the sign-off NOT COMPLETE, as any test does.
    public static var faultScenario: Self { ProvesTrait(items: []) }

    /// This test checks the upgrade rehearsal (Phase 5): its claim goes to the sign-off's "Upgrade"
    /// section, with its evidence (versions, each node's downtime, the writers' figures).
    public static var upgradeCheck: Self { ProvesTrait(items: [], section: ChecklistClaim.upgradeSection) }
}
