import Foundation

/// Phase 5 from start to end, once per process, with everything its tests judge: a cluster on the
/// older Citus brought through Phases 1-3 (distributed, rebalanced, a tenant isolated, a worker
/// drained), Citus upgraded node by node with writers running, then a shard move and a tenant
/// isolation on the new version. Each "before" is read on the same cluster right before the
/// upgrade, so an expectation is never something the upgrade itself could have written.
public struct UpgradeRehearsal: Sendable {
    public var plan: UpgradePlan
    public var baseline: Baseline
    /// `server_version` of every node of the cluster (coordinator and the workers in its metadata)
    /// before and after, `citus_version()` after, and each one's extension version before and after.
    public var serversBefore: [String: String] = [:], serversAfter: [String: String] = [:]
    public var libraryAfter: [String: String] = [:]
    public var extensionBefore: [String: String] = [:], extensionAfter: [String: String] = [:]
    /// Citus's metadata on each node before the upgrade, right after it, and after the move and
    /// isolation that follow it.
    public var metadataBefore: [String: CitusMetadata] = [:], metadataAfter: [String: CitusMetadata] = [:]
    public var metadataAfterOperations: [String: CitusMetadata] = [:]
    /// Phase 3's isolated tenant and the shard that holds it, before and after.
    public var isolatedTenant: Int = 0
    public var isolatedShardBefore: Int64 = 0, isolatedShardAfter: Int64 = 0
    /// A router plan (the isolated tenant) and a multi-shard plan (count of all orders).
    public var routerBefore: ExplainPlan = .init(lines: []), routerAfter: ExplainPlan = .init(lines: [])
    public var multiShardBefore: ExplainPlan = .init(lines: []), multiShardAfter: ExplainPlan = .init(lines: [])
    /// Each table's id sequence: its last value right before the first restart, the value it hands
    /// out after the upgrade, and the highest id in the table then (the writers' rows included).
    public var sequenceBefore: [String: Int] = [:], sequenceAfter: [String: Int] = [:],
        highestIDAfter: [String: Int] = [:]
    /// When each node's postmaster started, read after the upgrade (seconds since the epoch).
    public var postmasterStartedAfter: [String: Double] = [:]
    public var checksumsAfter: [TableChecksum] = []
    public var upgrade = CitusUpgradeReport()
    /// The writers' ledger across the upgrade, read after Citus's prepared-transaction recovery.
    public var writes: RecoveredLedger?
    /// Acknowledged orders the writers created before the first restart and after the last update.
    public var acknowledgedBefore = 0, acknowledgedAfter = 0
    /// The move and isolation run on the new version.
    public var move: (shard: Int64, from: String, to: String, placementAfter: String)?
    public var isolation: TenantIsolation?
    public var checksumsAfterOperations: [TableChecksum] = []

    init(plan: UpgradePlan, baseline: Baseline) {
        self.plan = plan
        self.baseline = baseline
    }

    /// The rehearsal of the configured upgrade, run on first use; its error (bad configuration, a
    /// step that failed) is every test's error.
    public static func shared() throws -> UpgradeRehearsal { try sharedResult.get() }
    private static let sharedResult = Result { try run(try UpgradePlan.required()) }

    /// Runs the whole rehearsal of `plan` on a cluster of its own (`UpgradeCluster`).
    public static func run(_ plan: UpgradePlan, timeLimit: Duration = Phase.operationTimeLimit) throws
        -> UpgradeRehearsal
    {
        let place = UpgradeCluster()
        // Stopped however the rehearsal ends, a failed start included (its data kept for a look).
        defer { try? place.stop() }
        let cluster = try place.create(on: plan.from)
        defer { cluster.disconnectAll() }
        let lifecycle = cluster.lifecycle
        let baseline = try lifecycle.ensure(.resharded)
        var rehearsal = UpgradeRehearsal(plan: plan, baseline: baseline)

        let members = try ["coordinator"] + cluster.activeWorkers()
        let nodes = try members.map { try cluster.node($0) }
        func snapshot() throws -> [String: CitusMetadata] {
            Dictionary(uniqueKeysWithValues: try nodes.map { ($0.name, try CitusMetadata.read(on: $0)) })
        }
        func versions(_ read: (Node) throws -> String) throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try nodes.map { ($0.name, try read($0)) })
        }
        func sequences(advancing: Bool) throws -> [String: Int] {
            var result: [String: Int] = [:]
            for table in ["orders", "order_items"] {
                let sequence = try cluster.coordinator.value(
                    "SELECT pg_get_serial_sequence($1, 'id')", [table], as: String.self)
                result[table] =
                    advancing
                    ? try cluster.coordinator.value("SELECT nextval($1::regclass)", [sequence], as: Int.self)
                    : try cluster.coordinator.value("SELECT last_value FROM \(sequence)", as: Int.self)
            }
            return result
        }
        let tenant = try cluster.coordinator.value(
            """
            SELECT min(user_id) FROM orders o JOIN pg_dist_shard s
              ON s.shardid = get_shard_id_for_distribution_column('orders', o.user_id)
            WHERE s.shardminvalue = s.shardmaxvalue
            """, as: Int.self)
        let shardOfTenant = "SELECT get_shard_id_for_distribution_column('orders', $1::bigint)"
        rehearsal.isolatedTenant = tenant
        rehearsal.isolatedShardBefore = try cluster.coordinator.value(shardOfTenant, [tenant], as: Int64.self)
        rehearsal.serversBefore = try versions { try $0.value("SHOW server_version", as: String.self) }
        rehearsal.extensionBefore = try versions { try $0.citusExtensionVersion() }
        rehearsal.metadataBefore = try snapshot()
        rehearsal.routerBefore = try cluster.plan("SELECT * FROM orders WHERE user_id = \(tenant)")
        rehearsal.multiShardBefore = try cluster.plan("SELECT count(*) FROM orders")

        // Writers from before the first restart until after the last update: both sides count.
        var options = LoadGenerator.Options.ledger(seed: cluster.configuration.seed &+ 50)
        options.connections = 2
        var sequenceBefore: [String: Int] = [:]
        let run = try lifecycle.withWriters(options, warmUp: .seconds(3), coolDown: .seconds(3)) {
            // Writes are counted by the whole second they began (below): the writers keep writing
            // for a whole second before the upgrade starts and after it ends, so both sides can count.
            Thread.sleep(forTimeInterval: 1.1)
            sequenceBefore = try sequences(advancing: false)
            let upgrade = try lifecycle.upgradeCitus(to: plan.to, through: place.restarting)
            Thread.sleep(forTimeInterval: 1.1)
            return upgrade
        }
        rehearsal.sequenceBefore = sequenceBefore
        rehearsal.upgrade = try run.get()
        let ledger = try lifecycle.checkLedgerAcrossRecovery(run.writes, operation: "citus upgrade")
        rehearsal.writes = ledger
        rehearsal.acknowledgedBefore =
            run.writes.acknowledged.filter { Double($0.createdAt) < rehearsal.upgrade.startedAt.rounded(.down) }.count
        // createdAt is the whole second a write began: those in the second of the last update count as neither.
        rehearsal.acknowledgedAfter =
            run.writes.acknowledged.filter { Double($0.createdAt) >= rehearsal.upgrade.endedAt.rounded(.up) }.count
        for table in ["orders", "order_items"] {
            rehearsal.highestIDAfter[table] = try cluster.coordinator.value(
                "SELECT coalesce(max(id), 0) FROM \(table)", as: Int.self)
        }
        rehearsal.sequenceAfter = try sequences(advancing: true)
        rehearsal.postmasterStartedAfter = Dictionary(
            uniqueKeysWithValues: try nodes.map {
                (
                    $0.name,
                    try $0.value("SELECT extract(epoch FROM pg_postmaster_start_time())::float8", as: Double.self)
                )
            })
        try lifecycle.removeLoadRows()

        rehearsal.serversAfter = try versions { try $0.value("SHOW server_version", as: String.self) }
        rehearsal.libraryAfter = try versions { try $0.value("SELECT citus_version()", as: String.self) }
        rehearsal.extensionAfter = try versions { try $0.citusExtensionVersion() }
        rehearsal.metadataAfter = try snapshot()
        rehearsal.isolatedShardAfter = try cluster.coordinator.value(shardOfTenant, [tenant], as: Int64.self)
        rehearsal.routerAfter = try cluster.plan("SELECT * FROM orders WHERE user_id = \(tenant)")
        rehearsal.multiShardAfter = try cluster.plan("SELECT count(*) FROM orders")
        rehearsal.checksumsAfter = try cluster.checksums()

        // The new version at work: a shard group moved between the two workers, another tenant isolated.
        let workers = Array(members.dropFirst())
        if workers.count >= 2 {
            let source = try cluster.configuration.worker(workers[0])
            let target = try cluster.configuration.worker(workers[1])
            let shard = try cluster.coordinator.value(
                """
                SELECT min(shardid) FROM citus_shards
                WHERE table_name = 'orders'::regclass AND nodename = $1 AND nodeport = $2
                """, [source.registeredAddress.host, source.registeredAddress.port], as: Int64.self)
            _ = try lifecycle.moveShard(shard, to: target, timeLimit: timeLimit)
            let placement = try cluster.coordinator.row(
                "SELECT nodename, nodeport FROM citus_shards WHERE shardid = $1", [shard])
            rehearsal.move = (
                shard, source.name, target.name,
                cluster.workerName(host: try placement.get("nodename"), port: try placement.get("nodeport"))
            )
        }
        let next = try cluster.coordinator.value(
            """
            SELECT user_id FROM orders o JOIN pg_dist_shard s
              ON s.shardid = get_shard_id_for_distribution_column('orders', o.user_id)
            WHERE s.shardminvalue <> s.shardmaxvalue
            GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1
            """, as: Int.self)
        rehearsal.isolation = try lifecycle.isolateTenant(next, timeLimit: timeLimit)
        rehearsal.metadataAfterOperations = try snapshot()
        rehearsal.checksumsAfterOperations = try cluster.checksums()
        return rehearsal
    }
}
