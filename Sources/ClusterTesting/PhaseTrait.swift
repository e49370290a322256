import ClusterFixtures
import Testing

/// Makes a suite one phase of the lifecycle: while the suite runs it holds the cluster alone
/// (`ClusterLock`), the cluster is brought to the phase's starting stage, the phase's operations
/// run, and every test reads the outcome from `PhaseContext.current`.
///
/// The lock makes the phases safe even when Swift Testing runs suites of different targets at the
/// same time (its default); each phase bringing its own starting stage makes them correct in any
/// order. `swift test --no-parallel` gives the natural order, Phase 1 to 4.
public struct PhaseTrait: SuiteTrait, TestScoping {
    public let phase: Phase

    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        ReadAttribution.installed
        // A suite skipped at run time (SkipUnlessTrait) does not bring the cluster to its stage.
        if SkipReason.current != nil || (phase.needsCitus && CitusAvailability.skipReason != nil) {
            return try await SkipReason.$current.withValue(SkipReason.current ?? CitusAvailability.skipReason) {
                try await function()
            }
        }
        try await ClusterLock.shared.withLock {
            let context = try PhaseContext.prepare(phase)
            try await PhaseContext.$current.withValue(context) {
                try await function()
            }
        }
    }
}

extension Trait where Self == PhaseTrait {
    /// This suite is `phase` of the lifecycle.
    public static func phase(_ phase: Phase) -> Self { PhaseTrait(phase: phase) }
}

/// One phase at a time on the one cluster. Waiting suites suspend rather than block a thread, which
/// matters where the concurrency pool is two threads wide.
actor ClusterLock {
    static let shared = ClusterLock()

    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    nonisolated func withLock(_ body: @Sendable () async throws -> Void) async throws {
        await acquire()
        do {
            try await body()
        } catch {
            await release()
            throw error
        }
        await release()
    }

    private func acquire() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { held = false } else { waiting.removeFirst().resume() }
    }
}
