/// The lifecycle the suite verifies, as steps on one cluster: build the baseline, distribute,
/// reshard (add a worker, rebalance, isolate a tenant, drain and remove a worker), undistribute.
/// It keeps which stage the cluster is at (`BaselineStore`), refuses a step from the wrong stage,
/// and runs the long steps watched (`runWatched`) and, when asked, under writers whose every
/// acknowledged write is checked afterwards (`whileWriting`). `Cluster` keeps the configuration
/// and the connections; the steps are here.
public struct Lifecycle: Sendable {
    public let cluster: Cluster

    public init(_ cluster: Cluster) { self.cluster = cluster }

    var configuration: ClusterConfiguration { cluster.configuration }

    /// What the coordinator records of the stage, seed, scale and fingerprint.
    public var store: BaselineStore { BaselineStore(cluster) }
}

extension Cluster {
    /// The lifecycle's steps on this cluster.
    public var lifecycle: Lifecycle { Lifecycle(self) }
}
