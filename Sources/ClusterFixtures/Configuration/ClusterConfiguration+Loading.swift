import Foundation

extension ClusterConfiguration {
    /// The configuration a test run uses.
    ///
    /// Explicit variables win. With no `CITUS_COORDINATOR` in the environment the embedded cluster
    /// is meant: its settings file is read, and when the cluster has never been started (or
    /// `CITUS_VERIFY_START_CLUSTER=yes`) it is started first, so `swift test` works on a fresh
    /// checkout. `CITUS_VERIFY_START_CLUSTER=no` turns that off.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> ClusterConfiguration
    {
        if let coordinator = environment["CITUS_COORDINATOR"], !coordinator.isEmpty {
            return try ClusterConfiguration(environment: environment)
        }
        let file = ProjectLayout.localClusterEnvironmentFile
        let start = environment["CITUS_VERIFY_START_CLUSTER"] ?? "auto"
        switch start {
        case "yes": try LocalCluster().start()
        case "auto" where !FileManager.default.fileExists(atPath: file.path): try LocalCluster().start()
        case "auto", "no": break
        default:
            throw ConfigurationError.malformed("CITUS_VERIFY_START_CLUSTER", value: start, expected: "auto, yes or no")
        }
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ConfigurationError.missing(
                "CITUS_COORDINATOR",
                expected:
                    """
                    host:port of a coordinator, or an embedded cluster started with `make cluster-up` (no \
                    \(file.path))
                    """
            )
        }
        let fromFile = try EnvironmentFile.load(file)
        return try ClusterConfiguration(environment: fromFile.merging(environment) { _, explicit in explicit })
    }
}
