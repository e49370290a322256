import Foundation

/// The embedded cluster Phase 5 builds for itself on the older server: its own folder
/// (`<CLUSTER_DIR>-upgrade`, `.cluster-upgrade` by default) and ports (`CLUSTER_PORT` + 40, 9740 by
/// default), so the upgrade never touches the cluster the other phases use, nor a user's own.
public struct UpgradeCluster: Sendable {
    public var local: LocalCluster
    public var directory: String
    public var port: Int

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let base =
            environment["CLUSTER_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ProjectLayout.root.appendingPathComponent(".cluster").path
        directory = base + "-upgrade"
        port = (Int(environment["CLUSTER_PORT"] ?? "") ?? 9700) + 40
        local = LocalCluster(directory: directory, settings: ["CLUSTER_PORT": String(port)])
    }

    /// Deletes what an earlier rehearsal left, then creates and starts the cluster on `server`;
    /// returns the cluster as the tests see it, from the settings file the script wrote.
    public func create(on server: ServerInstall) throws -> Cluster {
        var fresh = local
        fresh.settings["PG_BINDIR"] = ""
        try fresh.destroy()
        fresh.settings["PG_BINDIR"] = server.bindir
        try fresh.start()
        let file = try EnvironmentFile.load(URL(fileURLWithPath: directory).appendingPathComponent("cluster.env"))
        // The connection settings are this cluster's alone: none of the configured cluster's
        // (CITUS_COORDINATOR, CITUS_WORKERn_ADDR, …) may leak in; the suite's own (CITUS_VERIFY_…) may.
        let inherited = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("CITUS_") || $0.key.hasPrefix("CITUS_VERIFY_")
        }
        return Cluster(configuration: try ClusterConfiguration(environment: inherited.merging(file) { $1 }))
    }

    /// The script's handle for restarts: naming no server, since the cluster records its own.
    public var restarting: LocalCluster {
        var handle = local
        handle.settings["PG_BINDIR"] = ""
        return handle
    }

    /// Stops every node; the data stays for a look afterwards.
    public func stop() throws { try restarting.stop() }
}
