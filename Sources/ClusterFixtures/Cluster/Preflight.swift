import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One line of `citus-verify preflight`: a fact about one node, and whether it lets the lifecycle
/// run there.
public struct PreflightCheck: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable {
        /// Ready.
        case pass
        /// Could not be checked from here, or not needed yet; said, not counted as a failure.
        case unknown
        /// The lifecycle would fail (or stop being online) on this node as it stands.
        case fail
    }

    public var node: String
    public var check: String
    public var value: String
    public var verdict: Verdict
    /// What the value must be, when it is not.
    public var requirement: String?

    /// The one-line message a failed check prints: node, setting, value and what it must be.
    public var failureLine: String {
        "\(node): \(check) is \(value)" + (requirement.map { "; it must be \($0)" } ?? "")
    }
}

/// What `citus-verify preflight` found, node by node. Read-only: it runs SELECTs and `SHOW`s and
/// Citus's own connection check, and changes nothing on any node.
public struct PreflightReport: Codable, Sendable {
    public var checks: [PreflightCheck]
    /// Shard moves Citus runs at once on one node (`citus.max_background_task_executors_per_node`),
    /// which sizes the replication settings below.
    public var movesAtOnce: Int

    public var failures: [PreflightCheck] { checks.filter { $0.verdict == .fail } }
    public var isReady: Bool { failures.isEmpty }

    public func check(_ name: String, on node: String) -> PreflightCheck? {
        checks.first { $0.node == node && $0.check == name }
    }
}

extension Cluster {
    /// Every node's readiness for the lifecycle (see `PreflightReport`). Each node is reached on a
    /// connection of its own; a node that cannot be reached is one failed line, and its other
    /// checks are not run.
    public func preflight() throws -> PreflightReport {
        var checks: [PreflightCheck] = []
        func add(
            _ node: String, _ check: String, _ value: String, _ verdict: PreflightCheck.Verdict,
            must requirement: String? = nil
        ) {
            checks.append(
                .init(
                    node: node, check: check, value: value, verdict: verdict,
                    requirement: verdict == .fail ? requirement : nil))
        }
        // Settings first, from the maintenance database: they are the server's, and the suite's
        // database may not exist yet.
        var facts: [String: NodeFacts] = [:]
        for node in nodes {
            do {
                let connection = try connect("\(node.name) (preflight)", at: node.address, database: "postgres")
                defer { connection.close() }
                facts[node.name] = try NodeFacts(reading: connection, database: configuration.database) {
                    try self.connect("\(node.name) (preflight)", at: node.address)
                }
                add(
                    node.name, "reachable",
                    "\(node.address) as \(configuration.user): PostgreSQL \(facts[node.name]!.serverVersion)", .pass)
            } catch {
                add(
                    node.name, "reachable", "\(node.address) as \(configuration.user): \(Self.firstLine(of: error))",
                    .fail,
                    must: "reachable with the configured credentials (CITUS_USER, CITUS_PASSWORD)")
            }
        }
        guard let coordinatorFacts = facts["coordinator"] else {
            return PreflightReport(checks: checks, movesAtOnce: 1)
        }
        let movesAtOnce = max(
            1, coordinatorFacts.setting("citus.max_background_task_executors_per_node").flatMap { Int($0) } ?? 1)
        let requiresTLS = Self.requiresTLS(coordinatorFacts.setting("citus.node_conninfo"))

        for node in nodes {
            guard let node = facts[node.name].map({ (name: node.name, facts: $0) }) else { continue }
            let f = node.facts
            // Versions: the same on every node as on the coordinator.
            let major = f.serverVersion.split(separator: ".").first.map(String.init) ?? f.serverVersion
            let coordinatorMajor = coordinatorFacts.serverVersion.split(separator: ".").first.map(String.init) ?? ""
            add(
                node.name, "PostgreSQL major", "\(major) (\(f.serverVersion))",
                major == coordinatorMajor ? .pass : .fail,
                must: "\(coordinatorMajor), the coordinator's")
            switch (f.citusAvailable, coordinatorFacts.citusAvailable) {
            case (nil, _):
                add(
                    node.name, "Citus version", "not installed", .fail,
                    must: "installed (citus.so for PostgreSQL \(major))")
            case (let version?, let coordinatorVersion):
                add(
                    node.name, "Citus version",
                    version + (f.citusInDatabase.map { ", \($0) in \(configuration.database)" } ?? ""),
                    version == coordinatorVersion && (f.citusInDatabase ?? version) == version ? .pass : .fail,
                    must: "\(coordinatorVersion ?? "?"), the coordinator's, installed and created")
                if let majors = CitusSupport.postgresMajors(forCitus: version) {
                    add(
                        node.name, "Citus supports the PostgreSQL major",
                        "Citus \(version) supports PostgreSQL \(majors.lowerBound)-\(majors.upperBound)",
                        Int(major).map(majors.contains) == true ? .pass : .fail,
                        must:
                            """
                            a PostgreSQL major Citus \(CitusSupport.releaseLine(of: version) ?? version) \
                            supports, or a Citus release that supports \(major)
                            """
                    )
                } else {
                    add(
                        node.name, "Citus supports the PostgreSQL major",
                        "Citus \(version): a release line this tool does not know", .unknown)
                }
            }
            let preload = f.setting("shared_preload_libraries") ?? ""
            let first = preload.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
            add(
                node.name, "shared_preload_libraries", "'\(preload)'", first == "citus" ? .pass : .fail,
                must: "a list with citus first")
            let walLevel = f.setting("wal_level") ?? "?"
            add(
                node.name, "wal_level", walLevel, walLevel == "logical" ? .pass : .fail,
                must: "logical (online shard moves and splits replicate logically); a restart is needed")
            for (setting, needed) in Self.replicationNeeds(movesAtOnce: movesAtOnce) {
                let value = f.setting(setting).flatMap { Int($0) } ?? 0
                add(
                    node.name, setting, String(value), value >= needed ? .pass : .fail,
                    must: "at least \(needed) for \(movesAtOnce) move(s) at once per node; a restart is needed")
            }
            if let plugins = f.setting("output_plugin_libraries") {
                let listed = plugins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                add(
                    node.name, "output_plugin_libraries", "'\(plugins)'", listed.contains("citus") ? .pass : .fail,
                    must:
                        "a list including citus (tenant isolation decodes through it on PostgreSQL \(f.serverVersion))")
            } else {
                add(
                    node.name, "output_plugin_libraries",
                    "not a setting of PostgreSQL \(f.serverVersion): every plugin allowed", .pass)
            }
            if requiresTLS {
                add(
                    node.name, "ssl", f.setting("ssl") ?? "?", f.setting("ssl") == "on" ? .pass : .fail,
                    must:
                        """
                        on: citus.node_conninfo asks for TLS \
                        ('\(coordinatorFacts.setting("citus.node_conninfo") ?? "")')
                        """
                )
            }
        }

        // The nodes reach each other as Citus will, through citus_check_connection_to_node (it
        // connects with citus.node_conninfo, TLS and passfile included): the coordinator to each
        // worker, and each worker to each other one (a move's subscription runs on its target and
        // connects to its source).
        for source in nodes where facts[source.name]?.citusInDatabase != nil || source.name == "coordinator" {
            let targets = configuration.workers.filter { $0.name != source.name }
            guard facts[source.name]?.citusInDatabase != nil else {
                add(
                    source.name, "connections to the workers",
                    "not checked: Citus is not created in \(configuration.database) yet (Phase 2 creates it)", .unknown)
                continue
            }
            guard let connection = try? connect("\(source.name) (preflight)", at: source.address) else { continue }
            defer { connection.close() }
            for target in targets {
                let address = target.registeredAddress
                do {
                    let reached = try connection.query(
                        "SELECT citus_check_connection_to_node($1, $2) AS reached",
                        [address.host, address.port]
                    ).single().get("reached", as: Bool.self)
                    add(
                        source.name, "connection to \(target.name)", "\(address): \(reached ? "connected" : "refused")",
                        reached ? .pass : .fail,
                        must: "possible as citus.node_conninfo asks (TLS, a passfile entry for \(configuration.user))")
                } catch {
                    add(
                        source.name, "connection to \(target.name)", "\(address): \(Self.firstLine(of: error))", .fail,
                        must: "possible as citus.node_conninfo asks (TLS, a passfile entry for \(configuration.user))")
                }
            }
        }

        // Tables an online move cannot carry: no primary key and no replica identity.
        if coordinatorFacts.databaseExists {
            let coordinator = try connect("coordinator (preflight)")
            defer { coordinator.close() }
            let keyless = try coordinator.query(
                """
                SELECT format('%I.%I', n.nspname, c.relname) AS name
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'citus', 'verify')
                  AND n.nspname NOT LIKE 'pg\\_%'
                  AND (c.relreplident = 'n'
                       OR (c.relreplident = 'd'
                           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')))
                ORDER BY 1
                """
            ).rows.map { try $0.get("name", as: String.self) }
            add(
                "coordinator", "tables without primary key or replica identity",
                keyless.isEmpty ? "none" : keyless.joined(separator: ", "),
                keyless.isEmpty ? .pass : .fail,
                must:
                    """
                    none: an online move cannot replicate their UPDATEs and DELETEs (add a primary key or REPLICA \
                    IDENTITY FULL)
                    """
            )

            // Room for the largest shard move on each worker: the shard group's size, twice (the
            // copy and the WAL it writes), on the data directory's file system, when this host can
            // see it (loopback nodes); before distribution, the tables' whole size.
            let distributed =
                try coordinatorFacts.citusInDatabase != nil
                && coordinator.query("SELECT count(*) AS n FROM pg_dist_partition WHERE partmethod = 'h'").single().get(
                    "n", as: Int.self) > 0
            let largest = try coordinator.query(distributed ? Self.largestShardGroupQuery : Self.tablesSizeQuery)
                .single().get("bytes", as: Int64.self)
            for worker in configuration.workers {
                guard let f = facts[worker.name] else { continue }
                let needed = 2 * largest
                guard let directory = f.setting("data_directory"), let free = Self.freeBytes(at: directory) else {
                    add(
                        worker.name, "free disk for the largest shard move",
                        "not visible from this host (data directory \(f.setting("data_directory") ?? "not readable"))",
                        .unknown)
                    continue
                }
                add(
                    worker.name, "free disk for the largest shard move",
                    "\(ByteCount.text(free)) free in \(directory), need \(ByteCount.text(needed))",
                    free >= needed ? .pass : .fail,
                    must:
                        "at least \(ByteCount.text(needed)) (twice the largest shard group, \(ByteCount.text(largest)))"
                )
            }
        } else {
            add(
                "coordinator", "suite database", "\(configuration.database) does not exist yet (Phase 1 creates it)",
                .unknown)
        }
        // Node by node, in the configuration's order; checks in the order run.
        let order = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.name, $0) })
        let sorted = checks.enumerated().sorted {
            (order[$0.element.node] ?? 0, $0.offset) < (order[$1.element.node] ?? 0, $1.offset)
        }
        return PreflightReport(checks: sorted.map(\.element), movesAtOnce: movesAtOnce)
    }

    /// Settings a node needs for `moves` shard moves at once: each move holds a replication slot
    /// and a WAL sender on its source and an apply worker on its target; a tenant split one slot
    /// per new shard's node; one more of each for a move left over from a failed run. Background
    /// workers also serve Citus's maintenance daemon and task queue monitor and PostgreSQL's
    /// logical replication launcher.
    static func replicationNeeds(movesAtOnce moves: Int) -> [(String, Int)] {
        [
            ("max_replication_slots", moves + 2), ("max_wal_senders", moves + 2),
            ("max_logical_replication_workers", moves + 1), ("max_worker_processes", moves + 6),
        ]
    }

    /// Whether a libpq conninfo string asks for TLS (sslmode require or verify-*).
    static func requiresTLS(_ conninfo: String?) -> Bool {
        guard let conninfo else { return false }
        let mode = conninfo.split(separator: " ").first { $0.hasPrefix("sslmode=") }?.dropFirst("sslmode=".count)
        return ["require", "verify-ca", "verify-full"].contains(mode.map(String.init) ?? "")
    }

    /// Bytes of the largest shard group (all colocated shards of one hash range on one node); before
    /// anything is distributed, of the lifecycle's tables together (`tablesSizeQuery`).
    static let largestShardGroupQuery = """
        SELECT coalesce(max(bytes), 0)::bigint AS bytes FROM (
            SELECT sum(c.shard_size) AS bytes
            FROM citus_shards c JOIN pg_dist_shard s USING (shardid)
            WHERE c.citus_table_type = 'distributed'
            GROUP BY c.colocation_id, c.nodename, c.nodeport, s.shardminvalue) groups
        """
    static let tablesSizeQuery = """
        SELECT coalesce(sum(pg_total_relation_size(t)), 0)::bigint AS bytes
        FROM unnest(ARRAY['regions', 'users', 'orders', 'order_items']) AS name, to_regclass(name) AS t
        WHERE t IS NOT NULL
        """

    public static func freeBytes(at path: String) -> Int64? {
        #if canImport(Glibc)
            var stats = statvfs()
            guard statvfs(path, &stats) == 0 else { return nil }
            return Int64(stats.f_bavail) * Int64(stats.f_frsize)
        #else
            return nil
        #endif
    }

    static func firstLine(of error: Error) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    }
}

/// What preflight reads from one node's maintenance database, by setting name.
struct NodeFacts {
    var serverVersion: String
    var settings: [String: String]
    /// The Citus version the server can create (`pg_available_extensions`), nil when not installed.
    var citusAvailable: String?
    /// The Citus version created in the suite's database, nil when not created (or no database).
    var citusInDatabase: String?
    var databaseExists: Bool

    static let settingNames = [
        "shared_preload_libraries", "wal_level", "max_replication_slots", "max_wal_senders",
        "max_logical_replication_workers", "max_worker_processes", "output_plugin_libraries", "ssl",
        "data_directory", "citus.node_conninfo", "citus.max_background_task_executors_per_node",
    ]

    /// `openDatabase` opens a connection to the suite's database on the same node.
    init(reading connection: Connection, database: String, openDatabase: () throws -> Connection) throws {
        // "15.20 (Debian 15.20-0+deb12u1)" → "15.20"
        serverVersion = try connection.query("SELECT split_part(current_setting('server_version'), ' ', 1) AS version")
            .single().get("version")
        settings = [:]
        for row in try connection.query(
            "SELECT name, setting FROM pg_settings WHERE name = ANY($1)", [Self.settingNames]
        ).rows {
            settings[try row.get("name")] = try row.optional("setting", as: String.self)
        }
        citusAvailable = try connection.query(
            "SELECT default_version FROM pg_available_extensions WHERE name = 'citus'"
        ).rows.first
            .map { try $0.get("default_version", as: String.self) }
        databaseExists = try connection.databaseExists(database)
        citusInDatabase = nil
        if databaseExists {
            let inDatabase = try openDatabase()
            defer { inDatabase.close() }
            citusInDatabase = try inDatabase.query("SELECT extversion FROM pg_extension WHERE extname = 'citus'").rows
                .first
                .map { try $0.get("extversion", as: String.self) }
        }
    }

    func setting(_ name: String) -> String? { settings[name] }
}
