import ClusterFixtures

/// What a phase's tests are handed: the cluster, the Phase 1 baseline to compare against, the rows
/// that baseline was generated from, and what the phase's own operations reported.
public struct PhaseContext: Sendable {
    public let phase: Phase
    public let cluster: Cluster
    public let baseline: Baseline
    public let seedData: SeedData
    private let evidence: (any Sendable)?

    @TaskLocal public static var current: PhaseContext?

    /// The context of the running phase; an error outside a phase suite.
    public static func require() throws -> PhaseContext {
        guard let current else { throw PhaseContextMissing() }
        return current
    }

    /// The phase's evidence as `T` (`DistributeEvidence` in Phase 2, …).
    public func evidence<T>(_ type: T.Type = T.self) throws -> T {
        guard let typed = evidence as? T else { throw PhaseContextMissing(detail: "\(phase) has no \(T.self)") }
        return typed
    }

    /// Brings the cluster to the phase's starting stage and runs the phase's operations.
    static func prepare(_ phase: Phase) throws -> PhaseContext {
        if phase.needsCitus, let reason = CitusAvailability.missingReason {
            throw CitusRequired(phase: phase, reason: reason)
        }
        let cluster = try Cluster.shared()
        let baseline: Baseline
        let evidence: (any Sendable)?
        switch phase {
        case .baseline:
            baseline = try cluster.lifecycle.resetToBaseline().0
            evidence = nil
        case .distribute:
            baseline = try cluster.lifecycle.ensure(.baseline)
            evidence = try cluster.lifecycle.distribute()
        case .reshard:
            baseline = try cluster.lifecycle.ensure(.distributed)
            evidence = try cluster.lifecycle.reshard(timeLimit: Phase.operationTimeLimit, writers: true, hotTenant: baseline.data.heaviestUser.id)
        case .undistribute:
            baseline = try cluster.lifecycle.ensure(.resharded)
            evidence = try cluster.lifecycle.undistribute(timeLimit: Phase.operationTimeLimit, writers: true)
        }
        return PhaseContext(phase: phase, cluster: cluster, baseline: baseline,
                            seedData: baseline.data, evidence: evidence)
    }
}

public struct PhaseContextMissing: Error, CustomStringConvertible {
    var detail = "no phase is running: this test belongs in a suite with the .phase(...) trait"
    public var description: String { detail }
}

/// A Citus phase ran (required by CITUS_VERIFY_REQUIRE_CITUS=1) where Citus cannot be used.
public struct CitusRequired: Error, CustomStringConvertible {
    public var phase: Phase
    public var reason: String
    public var description: String { "\(phase) needs Citus: \(reason)" }
}
