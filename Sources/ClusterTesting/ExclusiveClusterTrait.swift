import ClusterFixtures
import Testing

/// Holds the cluster alone while the suite runs (the same `ClusterLock` the phases take), for
/// suites that drive the cluster themselves, such as the command-line tool's.
public struct ExclusiveClusterTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        ReadAttribution.installed
        try await ClusterLock.shared.withLock { try await function() }
    }
}

extension Trait where Self == ExclusiveClusterTrait {
    /// The suite has the cluster to itself while it runs.
    public static var exclusiveCluster: Self { ExclusiveClusterTrait() }
}
