import Foundation

/// Phase 5 for a PostgreSQL major upgrade, the way Citus documents it and its own
/// `pg_upgrade_test.py` runs it: `citus_prepare_pg_upgrade()` on every node, every node stopped,
/// `pg_upgrade` on each (copy mode: the old folders are kept), the cluster started on the new
/// server, `citus_finish_pg_upgrade()` on every node. It runs on a cluster of its own
/// (`UpgradeCluster`) that Phases 1-3 brought to the sharded state, never on the cluster a user
/// named.
///
/// `pg_upgrade` can fail (PostgreSQL 15.20 to the 16.2 wheel does, restoring a catalog column
/// option 16.2 does not know). Then the rehearsal reports the first error in one line, starts the
/// old cluster again on the old server, and the same proofs are read there: a failed upgrade must
/// lose nothing. What the preparation changed stays: it dropped the aggregates `array_cat_agg` and
/// (below PostgreSQL 16) `any_value`, which the new major would have had, and
/// `citus_finish_pg_upgrade()` cannot put them back on the old cluster (it restores the metadata
/// into catalogs that still hold it). The rehearsal runs the queries that need them and that call,
/// and keeps what each said.
public struct PostgresUpgradeRehearsal: Sendable {
    public enum Outcome: Sendable, Equatable {
        case upgraded
        /// The node whose `pg_upgrade` failed, and the first error line of its logs.
        case failed(node: String, cause: String)
    }

    public var plan: UpgradePlan
    public var baseline: Baseline
    public var outcome: Outcome = .upgraded
    /// The nodes `citus_prepare_pg_upgrade()` and `citus_finish_pg_upgrade()` ran on.
    public var prepared: [String] = [], finished: [String] = []
    public var serversBefore: [String: String] = [:], serversAfter: [String: String] = [:]
    public var extensionBefore: [String: String] = [:], extensionAfter: [String: String] = [:]
    public var metadataBefore: [String: CitusMetadata] = [:], metadataAfter: [String: CitusMetadata] = [:]
    public var checksumsAfter: [TableChecksum] = []
    /// Demo queries whose result differs from the generator's after the cluster is back.
    public var queryMismatches: [String] = []
    /// Seconds the cluster was down: from the stop before `pg_upgrade` until it answered again.
    public var downtimeSeconds: Double = 0
    /// After a failed `pg_upgrade`: each probe of what the preparation left on the old cluster (a
    /// multi-shard `array_agg`, a `GROUP BY` whose other column Citus fetches with `any_value`,
    /// `citus_finish_pg_upgrade()`), with the error it raised; empty when every probe worked.
    public var leftByPreparation: [String] = []

    init(plan: UpgradePlan, baseline: Baseline) {
        self.plan = plan
        self.baseline = baseline
    }

    public static func shared() throws -> PostgresUpgradeRehearsal { try sharedResult.get() }
    private static let sharedResult = Result { try run(try UpgradePlan.required()) }

    public static func run(_ plan: UpgradePlan) throws -> PostgresUpgradeRehearsal {
        let place = UpgradeCluster()
        defer { try? place.stop() }
        let cluster = try place.create(on: plan.from)
        defer { cluster.disconnectAll() }
        let baseline = try cluster.lifecycle.ensure(.resharded)
        var rehearsal = PostgresUpgradeRehearsal(plan: plan, baseline: baseline)
        // Every node of the cluster's folder goes through pg_upgrade, the removed worker too (its
        // database still has Citus): each is prepared and finished.
        let nodes = cluster.nodes
        let members = try Set(["coordinator"] + cluster.activeWorkers())
        func read() throws -> (
            servers: [String: String], extensions: [String: String], metadata: [String: CitusMetadata]
        ) {
            var servers: [String: String] = [:]
            var extensions: [String: String] = [:]
            var metadata: [String: CitusMetadata] = [:]
            for node in nodes {
                servers[node.name] = try node.value("SHOW server_version", as: String.self)
                extensions[node.name] = try node.citusExtensionVersion()
                if members.contains(node.name) { metadata[node.name] = try CitusMetadata.read(on: node) }
            }
            return (servers, extensions, metadata)
        }
        (rehearsal.serversBefore, rehearsal.extensionBefore, rehearsal.metadataBefore) = try read()

        for node in nodes {
            try node.execute("SELECT citus_prepare_pg_upgrade()")
            rehearsal.prepared.append(node.name)
        }
        cluster.disconnectAll()
        let clock = ContinuousClock()
        let stopped = clock.now
        try place.stop()
        do {
            // pg_upgrade dumps and restores each node's schema, Citus's included: about half a minute
            // a node here; the bound is far above that.
            try place.restarting.run("pg-upgrade", plan.to.bindir, timeLimit: .seconds(1200))
        } catch let error as LocalClusterError {
            guard
                let line = error.output.split(separator: "\n").first(where: {
                    $0.hasPrefix("pg-upgrade: ") && $0.filter { $0 == ":" }.count >= 2
                })
            else {
                throw error
            }
            let parts = line.dropFirst("pg-upgrade: ".count).split(separator: ":", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            rehearsal.outcome = .failed(node: parts[0], cause: parts.count > 1 ? parts[1] : String(line))
        }
        try place.restarting.start()
        try cluster.coordinator.poll("SELECT 1", as: Int.self, timeLimit: .seconds(120)) { $0 == 1 }
        rehearsal.downtimeSeconds = (clock.now - stopped).seconds
        if case .failed = rehearsal.outcome {
            let probes = [
                ("a multi-shard array_agg", "SELECT cardinality(array_agg(id)) FROM orders"),
                (
                    "a GROUP BY with a column fetched by any_value",
                    """
                    SELECT u.id, u.email, count(*) FROM users u JOIN orders o ON o.user_id = u.id GROUP BY u.id \
                    ORDER BY 3 DESC LIMIT 1
                    """
                ),
                ("citus_finish_pg_upgrade() on the old cluster", "SELECT citus_finish_pg_upgrade()"),
            ]
            for (name, sql) in probes {
                do { try cluster.coordinator.execute(sql) } catch {
                    rehearsal.leftByPreparation.append("\(name): \((error as? DatabaseError)?.message ?? "\(error)")")
                }
            }
        } else {
            for node in nodes {
                try node.execute("SELECT citus_finish_pg_upgrade()")
                rehearsal.finished.append(node.name)
            }
        }
        (rehearsal.serversAfter, rehearsal.extensionAfter, rehearsal.metadataAfter) = try read()
        rehearsal.checksumsAfter = try cluster.checksums()
        rehearsal.queryMismatches = try cluster.demoQueryMismatches(
            expected: baseline.data, tenant: baseline.data.heaviestUser.id)
        return rehearsal
    }
}
