import Testing

extension Trait where Self == ConditionTrait {
    /// Skips the suite, with the reason, unless the cluster is the embedded one: only there can a
    /// test stop and start a node.
    public static var requiresLocalCluster: Self {
        let directory = (try? Cluster.shared())?.configuration.localClusterDirectory
        return .disabled(if: directory == nil,
                         "stops and starts nodes, which only the embedded cluster (scripts/cluster.sh) allows; the configured cluster is not it")
    }
}
