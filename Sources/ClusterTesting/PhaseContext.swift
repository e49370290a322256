import ClusterFixtures

/// What a phase's tests are handed: the cluster, the Phase 1 baseline to compare against, the rows
/// that baseline was generated from, and what the phase's own operations reported.
public struct PhaseContext: Sendable {
    public let phase: Phase
    public let cluster: Cluster
    public let baseline: Baseline
    public let seedData: SeedData
    private let outcome: Outcome

    /// What the phase's own operations reported, typed by phase (Phase 1 runs none of its own
    /// beyond the baseline).
    enum Outcome: Sendable {
        case baseline
        case distribute(DistributeEvidence)
        case reshard(ReshardEvidence)
        case undistribute(UndistributeEvidence)
    }

    @TaskLocal public static var current: PhaseContext?

    /// The context of the running phase; an error outside a phase suite.
    public static func require() throws -> PhaseContext {
        guard let current else { throw PhaseContextMissing() }
        return current
    }

    /// Phase 2's evidence; an error in any other phase.
    public var distribute: DistributeEvidence {
        get throws {
            if case .distribute(let evidence) = outcome { return evidence }
            throw missing("DistributeEvidence")
        }
    }

    /// Phase 3's evidence; an error in any other phase.
    public var reshard: ReshardEvidence {
        get throws {
            if case .reshard(let evidence) = outcome { return evidence }
            throw missing("ReshardEvidence")
        }
    }

    /// Phase 4's evidence; an error in any other phase.
    public var undistribute: UndistributeEvidence {
        get throws {
            if case .undistribute(let evidence) = outcome { return evidence }
            throw missing("UndistributeEvidence")
        }
    }

    private func missing(_ what: String) -> PhaseContextMissing {
        PhaseContextMissing(detail: "\(phase) has no \(what)")
    }

    /// Brings the cluster to the phase's starting stage and runs the phase's operations.
    static func prepare(_ phase: Phase) throws -> PhaseContext {
        if phase.needsCitus, let reason = CitusAvailability.missingReason {
            throw CitusRequired(phase: phase, reason: reason)
        }
        let cluster = try Cluster.shared()
        let lifecycle = cluster.lifecycle
        let baseline: Baseline
        let outcome: Outcome
        switch phase {
        case .baseline:
            baseline = try lifecycle.resetToBaseline().0
            outcome = .baseline
        case .distribute:
            baseline = try lifecycle.ensure(.baseline)
            outcome = .distribute(try lifecycle.distribute())
        case .reshard:
            baseline = try lifecycle.ensure(.distributed)
            outcome = .reshard(
                try lifecycle.reshard(
                    timeLimit: Phase.operationTimeLimit, writers: true, hotTenant: baseline.data.heaviestUser.id))
        case .undistribute:
            baseline = try lifecycle.ensure(.resharded)
            outcome = .undistribute(try lifecycle.undistribute(timeLimit: Phase.operationTimeLimit, writers: true))
        }
        return PhaseContext(
            phase: phase, cluster: cluster, baseline: baseline, seedData: baseline.data, outcome: outcome)
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
