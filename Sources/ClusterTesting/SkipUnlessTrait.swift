import ClusterFixtures
import Foundation
import Testing

/// Skips a suite at run time, with the reason, when a precondition does not hold (Citus missing,
/// not the embedded cluster). Decided inside the suite's scope, when the suite starts, never while
/// the test plan is built: Swift Testing evaluates condition traits of every suite at plan time,
/// even of suites `--filter` leaves out, so a condition that asks the database made `make unit`
/// connect to (and start) a cluster.
///
/// Each test of a skipped suite is cancelled with the reason (`➜ … was cancelled` in the output)
/// and recorded in the file `CITUS_VERIFY_SKIPS` names: Swift Testing 6.3's JUnit file lists a
/// cancelled test as passed, so `citus-verify test-summary` marks the recorded ones `<skipped>`
/// in that file before anything reads it. A skip is never counted as a pass.
public struct SkipUnlessTrait: SuiteTrait, TestTrait, TestScoping {
    /// nil when the suite may run; otherwise why not.
    let reason: @Sendable () -> String?
    /// An environment variable that, set to 1, turns the skip into a failure with the same reason
    /// (`CITUS_VERIFY_REQUIRE_FAULTS`: a run that must prove the fault scenarios).
    var requiredBy: String? = nil

    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        if test.isSuite {
            // The first reason found (outermost suite, first trait) is the one reported.
            let why = SkipReason.current ?? reason()
            try await SkipReason.$current.withValue(why) { try await function() }
            return
        }
        if let why = SkipReason.current ?? reason() {
            if let variable = requiredBy, ProcessInfo.processInfo.environment[variable] == "1" {
                Issue.record(Comment(rawValue: "\(variable)=1 requires this test, but it cannot run: \(why)"))
                return
            }
            let (suite, function) = TestIdentity.of(test)
            SkipRecord(suite: suite, test: function ?? test.name, reason: why).append()
            try Test.cancel(Comment(rawValue: why))
        }
        try await function()
    }
}

/// The reason the running suite is skipped, set by `SkipUnlessTrait`; `PhaseTrait` reads it so that
/// a skipped phase does not bring the cluster to its stage first.
public enum SkipReason {
    @TaskLocal public static var current: String?
}

extension Trait where Self == SkipUnlessTrait {
    /// Skips the suite, with the reason, when the cluster has no usable Citus, unless
    /// `CITUS_VERIFY_REQUIRE_CITUS=1` demands it (the phase then fails, naming what is missing).
    public static var requiresCitus: Self { SkipUnlessTrait { CitusAvailability.skipReason } }

    /// Skips the suite, with the reason, unless two servers to upgrade between are configured
    /// (`UpgradePlan`) for an upgrade of `kind`. With none configured, `CITUS_VERIFY_REQUIRE_UPGRADE=1`
    /// makes the skip a failure; a pair of the other kind is a skip whatever it says.
    public static func requiresUpgrade(_ kind: UpgradePlan.Kind) -> Self {
        SkipUnlessTrait(
            reason: { UpgradePlan.skipReason(for: kind) },
            requiredBy: UpgradePlan.isConfigured() ? nil : "CITUS_VERIFY_REQUIRE_UPGRADE")
    }

    /// Skips the suite, with the reason, unless the cluster is the embedded one: only there can a
    /// test stop and start a node. Under `CITUS_VERIFY_REQUIRE_FAULTS=1` it fails instead.
    public static var requiresLocalCluster: Self {
        SkipUnlessTrait(
            reason: {
                (try? Cluster.shared())?.configuration.localClusterDirectory == nil
                    ? """
                    stops and starts nodes, which only the embedded cluster (scripts/cluster.sh) allows; the \
                    configured cluster is not it
                    """
                    : nil
            }, requiredBy: "CITUS_VERIFY_REQUIRE_FAULTS")
    }
}

/// A test's JUnit identity, `("Phase1Tests.Phase1Tests", "tablesCreated()")`, from its identifier
/// (`Phase1Tests.Phase1Tests/tablesCreated()/Phase1Tests.swift:15:6`); the function is nil for a suite.
enum TestIdentity {
    static func of(_ test: Test) -> (suite: String, function: String?) {
        let parts = String(describing: test.id).split(separator: "/").map(String.init)
        if test.isSuite { return (parts.first ?? test.name, nil) }
        return (parts.first ?? "", parts.count > 1 ? parts[1] : test.name)
    }
}
