import ClusterFixtures
import Foundation

/// How the tool reaches the cluster: the tests' configuration contract, except that the tool never
/// starts the embedded cluster by itself unless asked (`CITUS_VERIFY_START_CLUSTER=yes`): an
/// operator command against a cluster that is not there should say so, not start one.
enum ClusterAccess {
    static func open() throws -> Cluster {
        var environment = ProcessInfo.processInfo.environment
        if environment["CITUS_VERIFY_START_CLUSTER", default: ""].isEmpty {
            environment["CITUS_VERIFY_START_CLUSTER"] = "no"
        }
        return Cluster(configuration: try ClusterConfiguration.load(environment: environment))
    }
}
