import Foundation

extension Lifecycle {
    /// Upgrades Citus on the embedded cluster the way Citus documents it and its own upgrade test
    /// does it (`citus_tests/upgrade/citus_upgrade_test.py`): every node restarted with the new
    /// library (`server`, the same PostgreSQL major), coordinator first; then `ALTER EXTENSION citus
    /// UPDATE` on the coordinator and on each worker in the cluster's metadata; then
    /// `citus_finish_citus_upgrade()` on the coordinator where the new version has it. Nodes not in
    /// the metadata (a worker removed in Phase 3) are restarted too, since the library is the
    /// machine's, but their databases are no longer the cluster's to update.
    ///
    /// Each restart is bounded by the script (60 s to stop, 60 s to start) and by `timeLimit` for
    /// the node to answer again; each kept connection is dropped, as a restart kills it.
    public func upgradeCitus(
        to server: ServerInstall, through local: LocalCluster,
        timeLimit: Duration = .seconds(120)
    ) throws -> CitusUpgradeReport {
        var report = CitusUpgradeReport()
        let clock = ContinuousClock()
        let started = clock.now
        report.startedAt = Date().timeIntervalSince1970
        let members = Set(try cluster.activeWorkers())
        for node in cluster.nodes {
            let restartStarted = clock.now
            try local.restart(node.name, withServerIn: server.bindir)
            cluster.disconnectAll()
            try node.poll("SELECT 1", as: Int.self, every: .milliseconds(100), timeLimit: timeLimit) { $0 == 1 }
            report.restarts.append(.init(node: node.name, downtimeSeconds: (clock.now - restartStarted).seconds))
        }
        for node in cluster.nodes where node.name == "coordinator" || members.contains(node.name) {
            let before = try node.citusExtensionVersion()
            let updateStarted = clock.now
            try node.execute("ALTER EXTENSION citus UPDATE")
            let after = try node.citusExtensionVersion()
            report.updates.append(
                .init(node: node.name, from: before, to: after, seconds: (clock.now - updateStarted).seconds))
        }
        if try cluster.coordinator.value("SELECT to_regproc('citus_finish_citus_upgrade') IS NOT NULL", as: Bool.self) {
            let connection = try cluster.coordinator.connection
            _ = connection.takeNotices()
            _ = try connection.execute("CALL citus_finish_citus_upgrade()")
            report.finish = connection.takeNotices().joined(separator: "; ")
        }
        report.seconds = (clock.now - started).seconds
        report.endedAt = Date().timeIntervalSince1970
        return report
    }
}
