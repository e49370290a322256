/// Checks of what the read-only verification files print, every labelled result of them, against
/// expectations from the seed or from Citus's own placement catalog (`pg_dist_placement`), which
/// the files only read. Each returns one line per difference; none means the file told the truth.
extension Cluster {
    /// What a printed plan must show, from the catalog: PostgreSQL alone on plain tables, one task on
    /// the node holding the tenant's shard, or one task per shard of orders without repartitioning.
    public enum PlanExpectation: Sendable {
        case plain
        case router(tenant: Int, node: NodeAddress)
        case allShards(Int)
    }

    /// The expectation for a plan of the tenant's rows, or of every shard, as the cluster is now
    /// (Citus's catalog, never the file's own output).
    public func expectedPlan(routedTo tenant: Int?) throws -> PlanExpectation {
        guard try hasExtension("citus"),
            try coordinator.value(
                "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = 'orders'::regclass", as: Int.self) == 1
        else {
            return .plain
        }
        if let tenant { return .router(tenant: tenant, node: try placementNode(ofTenant: tenant)) }
        return .allShards(try shardIDs(of: "orders").count)
    }

    /// One line when the plan labelled `label` does not show what `expectation` says; nil when it does.
    public func planMismatch(_ results: ScriptResults, _ label: String, _ expectation: PlanExpectation) throws
        -> String?
    {
        let plan = ExplainPlan(lines: try results.named(label).rows.map { try $0.get("QUERY PLAN") })
        let ok: Bool
        let what: String
        switch expectation {
        case .plain:
            (ok, what) = (plan.citusExecutor == nil, "a plain table's plan mentions Citus")
        case .router(let tenant, let node):
            (ok, what) = (
                plan.citusExecutor == "Adaptive" && plan.taskCount == 1 && plan.taskNodes == [node],
                "expected one task on \(node), the node holding tenant \(tenant)'s shard"
            )
        case .allShards(let shards):
            (ok, what) = (
                plan.citusExecutor == "Adaptive" && plan.taskCount == shards && !plan.repartitions && !plan.hasSubplan,
                "expected \(shards) tasks (one per shard of orders), no repartitioning"
            )
        }
        return ok ? nil : "\(results.location(of: label)) (\(label)): \(what)\n\(plan)"
    }

    /// `queries/23_explain_analyze.sql`: on distributed tables the tenant's query routes to the one
    /// node holding its shard, the region aggregate and the colocated join fan out to one task per
    /// shard without repartitioning; on plain tables no plan mentions Citus.
    public func explainScriptMismatches(tenant: Int, distributed: Bool) throws -> [String] {
        let results = try run(.explainAnalyze, variables: ["tenant_id": String(tenant)])
        // The caller says whether the tables are distributed now; the catalog says where.
        let router: PlanExpectation =
            distributed ? .router(tenant: tenant, node: try placementNode(ofTenant: tenant)) : .plain
        let allShards: PlanExpectation = distributed ? .allShards(try shardIDs(of: "orders").count) : .plain
        var mismatches = try [
            planMismatch(results, "router_plan", router), planMismatch(results, "all_shards_plan", allShards),
            planMismatch(results, "colocated_join_plan", allShards),
        ].compactMap { $0 }
        // The join is each item with its own order: on the order's id and tenant, as the schema's
        // foreign key has it, and on nothing else, in whichever join the planner chose.
        let join = ExplainPlan(lines: try results.named("colocated_join_plan").rows.map { try $0.get("QUERY PLAN") })
        let itemToOrder: Set = ["id = order_id", "user_id = user_id"]
        if !join.joins(on: itemToOrder) {
            mismatches.append(
                "\(results.location(of: "colocated_join_plan")) (colocated_join_plan): "
                    + "joins on \(join.joinConditions.sorted()), "
                    + "expected each item's order: \(itemToOrder.sorted())\n\(join)")
        }
        return mismatches
    }

    /// `queries/24_distribution_stats.sql`: shards per worker as the placement catalog has them,
    /// each shard of orders holding exactly the generated orders whose tenant hashes into it, and
    /// the largest shards being real placements.
    public func distributionStatsMismatches(expected data: SeedData) throws -> [String] {
        // Sizes are measured by each node itself before and after the file runs: if nothing changed
        // in between (no writes, no vacuum), the file's sizes must be exactly these. A shard moved
        // or split moments ago is autovacuum's next target, which creates its free-space and
        // visibility maps or truncates it, changing its size between two measures (seen: a shard
        // 512 kB before the file and smaller while it ran): vacuumed first (Citus vacuums every
        // shard), the sizes hold still while nothing writes.
        try coordinator.execute("VACUUM orders, order_items")
        let placements = try catalogPlacements()
        let sizesBefore = try measuredSizes(of: placements)
        let results = try run(.distributionStats)
        let sizesAfter = try measuredSizes(of: placements)
        var mismatches = try Self.sizeMismatches(
            before: try sizeMismatches(results, placements: placements, sizes: sizesBefore),
            sizesBefore: sizesBefore, sizesAfter: sizesAfter
        ) {
            try sizeMismatches(results, placements: placements, sizes: sizesAfter)
        }
        let perWorkerRows = try results.named("shards_per_worker").rows
        let listedNodes = try perWorkerRows.map {
            NodeAddress(host: try $0.get("nodename", as: String.self), port: try $0.get("nodeport", as: Int.self))
        }
        let perNode = try Dictionary(
            uniqueKeysWithValues: zip(listedNodes, perWorkerRows).map {
                ("\($0.0.host):\($0.0.port)", try $0.1.get("shards", as: Int.self))
            })
        let catalog = placements.filter { ["orders", "order_items"].contains($0.table) }
            .reduce(into: [String: Int]()) { $0[$1.node, default: 0] += 1 }
        if perNode != catalog {
            mismatches.append(
                "\(results.location(of: "shards_per_worker")): \(perNode), the placement catalog has \(catalog)")
        }
        // In node order (host name, then port), as the file says it lists them.
        let nodeOrder = try inNodeOrder(listedNodes)
        if listedNodes != nodeOrder {
            mismatches.append(
                """
                \(results.location(of: "shards_per_worker")): nodes listed as \(listedNodes), not in node order \
                \(nodeOrder)
                """
            )
        }
        let rowsPerShard = try results.named("rows_per_shard").rows
        let rows = try Dictionary(
            uniqueKeysWithValues: rowsPerShard.map {
                (try $0.get("shardid", as: Int64.self), try $0.get("rows", as: Int.self))
            })
        // In shard order, as the shard catalog lists the shards of orders.
        let listedOrder = try rowsPerShard.map { try $0.get("shardid", as: Int64.self) }
        if listedOrder != (try shardIDs(of: "orders")) {
            mismatches.append(
                "\(results.location(of: "rows_per_shard")): shards listed as \(listedOrder), not in shard order")
        }
        if let wrong = Self.rowsPerShardMismatch(rows, expected: try expectedOrdersPerShard(data)) {
            mismatches.append("\(results.location(of: "rows_per_shard")): \(wrong)")
        }
        let largest = try results.named("largest_shards").rows
        if largest.count != min(10, placements.count) {
            mismatches.append(
                """
                \(results.location(of: "largest_shards")): \(largest.count) rows, expected \
                \(min(10, placements.count))
                """
            )
        }
        let real = Set(placements.map { "\($0.shardID)@\($0.node)" })
        for row in largest {
            let shardID = try row.get("shardid", as: Int64.self)
            let nodename = try row.get("nodename", as: String.self)
            let nodeport = try row.get("nodeport", as: Int.self)
            let key = "\(shardID)@\(nodename):\(nodeport)"
            if !real.contains(key) {
                mismatches.append(
                    "\(results.location(of: "largest_shards")): \(row) is no placement in pg_dist_placement")
            }
        }
        return mismatches
    }

    /// `sharding/14_verify_distribution.sql`'s results (from Phase 2): how each table is
    /// distributed, every placement, and shards per worker and table, against the placement catalog.
    public func verifyDistributionMismatches(_ results: ScriptResults, shardCount: Int) throws -> [String] {
        var mismatches: [String] = []
        var partitions: [String: Row] = [:]
        for row in try results.named("partitions").rows { partitions[try row.get("table_name")] = row }
        // In table-name order, as the catalog orders its own tables.
        let listedTables = try results.named("partitions").rows.map { try $0.get("table_name", as: String.self) }
        let tableOrder = try coordinator.rows("SELECT logicalrelid::text AS name FROM pg_dist_partition ORDER BY 1").map
        { try $0.get("name", as: String.self) }
        if listedTables != tableOrder {
            mismatches.append(
                """
                \(results.location(of: "partitions")): tables listed as \(listedTables), the catalog orders them \
                \(tableOrder)
                """
            )
        }
        mismatches += try Self.partitionMismatches(partitions, at: results.location(of: "partitions"))
        var listed: [String: Int] = [:]
        let placementRows = try results.named("placements").rows
        for row in placementRows { listed[try row.get("table_name"), default: 0] += 1 }
        // Every placement, in the file's order, as the placement catalog has them.
        let listedPlacements = try placementRows.map {
            "\(try $0.get("table_name", as: String.self)) \(try $0.get("shardid", as: Int64.self)) "
                + "\(try $0.get("nodename", as: String.self)):\(try $0.get("nodeport", as: Int.self))"
        }
        let catalogPlacementsInOrder = try coordinator.rows(
            """
            SELECT s.logicalrelid::text || ' ' || s.shardid || ' ' || n.nodename || ':' || n.nodeport AS placement
            FROM pg_dist_shard s JOIN pg_dist_placement p USING (shardid) JOIN pg_dist_node n USING (groupid)
            ORDER BY s.logicalrelid::text, s.shardid, n.nodename, n.nodeport
            """
        ).map { try $0.get("placement", as: String.self) }
        if let wrong = Self.placementListMismatch(listedPlacements, catalog: catalogPlacementsInOrder) {
            mismatches.append("\(results.location(of: "placements")): \(wrong)")
        }
        let placements = try catalogPlacements()
        let catalogCounts = placements.reduce(into: [String: Int]()) { $0[$1.table, default: 0] += 1 }
        if listed != catalogCounts {
            mismatches.append(
                """
                \(results.location(of: "placements")): placements per table \(listed), the catalog has \
                \(catalogCounts)
                """
            )
        }
        for table in ["orders", "order_items"] where listed[table] != shardCount {
            mismatches.append(
                """
                \(results.location(of: "placements")): \(table) has \(listed[table] ?? 0) shards, expected \
                \(shardCount)
                """
            )
        }
        // Shards per worker and table, in the file's order, as the placement catalog counts them.
        let perWorker = try results.named("shards_per_worker_table").rows.map {
            "\(try $0.get("nodename", as: String.self)):\(try $0.get("nodeport", as: Int.self))"
                + "/\(try $0.get("table_name", as: String.self))"
                + "=\(try $0.get("shards", as: Int.self))"
        }
        let expectedPerWorker = try coordinator.rows(
            """
            SELECT n.nodename || ':' || n.nodeport || '/' || s.logicalrelid::text || '=' || count(*) AS line
            FROM pg_dist_shard s JOIN pg_dist_placement p USING (shardid) JOIN pg_dist_node n USING (groupid)
            GROUP BY n.nodename, n.nodeport, s.logicalrelid
            ORDER BY n.nodename, n.nodeport, s.logicalrelid::text
            """
        ).map { try $0.get("line", as: String.self) }
        if perWorker != expectedPerWorker {
            mismatches.append(
                "\(results.location(of: "shards_per_worker_table")): \(perWorker), the catalog has \(expectedPerWorker)"
            )
        }
        return mismatches
    }

    // MARK: From the placement catalog

    /// `nodes` in node order (host name, then port) as this server orders them: the order the SQL
    /// files promise where they list nodes, under the database's own collation rather than Swift's.
    public func inNodeOrder(_ nodes: [NodeAddress]) throws -> [NodeAddress] {
        guard !nodes.isEmpty else { return [] }
        return try coordinator.rows(
            "SELECT n, p FROM unnest($1::text[], $2::int[]) AS t(n, p) ORDER BY n, p",
            [
                "{" + nodes.map { "\"\($0.host)\"" }.joined(separator: ",") + "}",
                "{" + nodes.map { String($0.port) }.joined(separator: ",") + "}",
            ]
        )
        .map { NodeAddress(host: try $0.get("n"), port: try $0.get("p")) }
    }

    /// The shard ids of `table`, from `pg_dist_shard`.
    public func shardIDs(of table: String) throws -> [Int64] {
        try coordinator.rows(
            "SELECT shardid FROM pg_dist_shard WHERE logicalrelid = $1::regclass ORDER BY shardid", [table]
        )
        .map { try $0.get("shardid") }
    }

    /// The node (as Citus registered it) holding the shard of `orders` that `tenant` hashes into.
    public func placementNode(ofTenant tenant: Int) throws -> NodeAddress {
        let row = try coordinator.row(
            """
            SELECT n.nodename, n.nodeport FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)
            WHERE p.shardid = get_shard_id_for_distribution_column('orders', $1::bigint)
            """, [tenant])
        return NodeAddress(host: try row.get("nodename"), port: try row.get("nodeport"))
    }

    /// Each placement's size in bytes (`shardid@host:port`), measured by the node holding it
    /// (`pg_total_relation_size` of the shard's table there): independent of `citus_shards`, which
    /// the verification files read.
    func measuredSizes(of placements: [CatalogPlacement]) throws -> [String: Int64] {
        var sizes: [String: Int64] = [:]
        for (node, onNode) in Dictionary(grouping: placements, by: \.node) {
            let registered = NodeAddress(parsing: node)
            let connection = try (nodes.first { $0.registeredAddress == registered } ?? coordinator).connection
            let rows = try connection.query(
                """
                SELECT s.shardid, pg_total_relation_size(s.rel::regclass) AS bytes
                FROM unnest($1::bigint[], $2::text[]) AS s(shardid, rel)
                """,
                [
                    "{" + onNode.map { String($0.shardID) }.joined(separator: ",") + "}",
                    "{" + onNode.map { "\($0.table)_\($0.shardID)" }.joined(separator: ",") + "}",
                ]
            ).rows
            for row in rows {
                sizes["\(try row.get("shardid", as: Int64.self))@\(node)"] = try row.get("bytes", as: Int64.self)
            }
        }
        return sizes
    }

    /// 24's size columns against the nodes' own measures: each worker's total over the
    /// distributed tables' placements, and the ten largest placements, largest first.
    /// 14's `partitions` rows by table name, against the design: orders and order_items
    /// hash-distributed by user_id in one colocation group, regions a reference table, users not in
    /// Citus's metadata. Each mismatch starts with `location`.
    static func partitionMismatches(_ partitions: [String: Row], at location: String) throws -> [String] {
        var mismatches: [String] = []
        let citusTables = ["order_items", "orders", "regions"]
        if partitions.keys.sorted() != citusTables {
            mismatches.append("\(location): tables \(partitions.keys.sorted()), expected \(citusTables)")
        }
        for table in ["orders", "order_items"] {
            guard let row = partitions[table] else { continue }
            if try row.get("partmethod", as: String.self) != "h"
                || row.optional("distribution_column", as: String.self) != "user_id"
            {
                mismatches.append("\(location): \(table) is not hash-distributed by user_id: \(row)")
            }
        }
        if let orders = partitions["orders"], let items = partitions["order_items"],
            try orders.get("colocationid", as: Int.self) != items.get("colocationid", as: Int.self)
        {
            mismatches.append("\(location): orders and order_items are in different colocation groups")
        }
        if let regions = partitions["regions"],
            try regions.get("partmethod", as: String.self) != "n" || regions.get("repmodel", as: String.self) != "t"
        {
            mismatches.append("\(location): regions is not a reference table: \(regions)")
        }
        return mismatches
    }

    /// The placements a file lists against the catalog's, in order: nil when they agree, else both
    /// counts and the first placement listed where the catalog has another.
    static func placementListMismatch(_ listed: [String], catalog: [String]) -> String? {
        guard listed != catalog else { return nil }
        let first = zip(listed, catalog).first { $0 != $1 }
        return "\(listed.count) placements, the catalog has \(catalog.count)"
            + (first.map { "; '\($0.0)' where the catalog has '\($0.1)'" } ?? "")
    }

    /// Rows per shard against the generated orders per shard: nil when they agree, else the counts
    /// and the first three shards that differ (a shard missing or extra included), in shard order.
    static func rowsPerShardMismatch(_ rows: [Int64: Int], expected: [Int64: Int]) -> String? {
        guard rows != expected else { return nil }
        let wrong = Set(rows.keys).union(expected.keys).sorted().filter { rows[$0] != expected[$0] }.prefix(3)
            .map {
                """
                shard \($0): \(rows[$0].map(String.init) ?? "missing"), expected \
                \(expected[$0].map(String.init) ?? "none")
                """
            }
        return "\(rows.count) shards, expected \(expected.count); " + wrong.joined(separator: "; ")
    }

    /// The sizes' mismatches, given those against the sizes measured before the file ran: when
    /// there are some and a size changed while the file ran, the file may have seen either state,
    /// so the reading against the sizes after it is kept if it has fewer. Nothing is judged again
    /// when the sizes before hold, or when nothing changed.
    static func sizeMismatches<Sizes: Equatable>(
        before: [String], sizesBefore: Sizes, sizesAfter: Sizes,
        judgedAfter: () throws -> [String]
    ) rethrows -> [String] {
        guard !before.isEmpty && sizesAfter != sizesBefore else { return before }
        let after = try judgedAfter()
        return after.count < before.count ? after : before
    }

    func sizeMismatches(_ results: ScriptResults, placements: [CatalogPlacement], sizes: [String: Int64]) throws
        -> [String]
    {
        var mismatches: [String] = []
        func pretty(_ bytes: [Int64]) throws -> [String] {
            try coordinator.rows(
                "SELECT pg_size_pretty(b) AS p FROM unnest($1::bigint[]) WITH ORDINALITY AS u(b, i) ORDER BY i",
                ["{" + bytes.map(String.init).joined(separator: ",") + "}"]
            ).map { try $0.get("p") }
        }
        let perNode = Dictionary(
            grouping: placements.filter { ["orders", "order_items"].contains($0.table) }, by: \.node
        )
        .mapValues { $0.reduce(Int64(0)) { $0 + (sizes["\($1.shardID)@\($1.node)"] ?? 0) } }
        let nodes = perNode.keys.sorted()
        let expectedPerNode = Dictionary(uniqueKeysWithValues: zip(nodes, try pretty(nodes.map { perNode[$0]! })))
        let listedPerNode = try Dictionary(
            uniqueKeysWithValues: results.named("shards_per_worker").rows.map {
                (
                    "\(try $0.get("nodename", as: String.self)):\(try $0.get("nodeport", as: Int.self))",
                    try $0.get("size", as: String.self)
                )
            })
        if listedPerNode != expectedPerNode {
            mismatches.append(
                """
                \(results.location(of: "shards_per_worker")): sizes \(listedPerNode), the nodes measure \
                \(expectedPerNode)
                """
            )
        }
        // The ten largest placements, largest first, ties by shard id, as the nodes measure them.
        let ranked = placements.sorted {
            let a = sizes["\($0.shardID)@\($0.node)"] ?? 0
            let b = sizes["\($1.shardID)@\($1.node)"] ?? 0
            return a != b ? a > b : $0.shardID < $1.shardID
        }.prefix(10)
        let prettySizes = try pretty(ranked.map { sizes["\($0.shardID)@\($0.node)"] ?? 0 })
        let expected = zip(ranked, prettySizes).map { "\($0.table) \($0.shardID) \($1)" }
        let listed = try results.named("largest_shards").rows.map {
            """
            \(try $0.get("table_name", as: String.self)) \(try $0.get("shardid", as: Int64.self)) \
            \(try $0.get("size", as: String.self))
            """
        }
        if listed != expected {
            mismatches.append("\(results.location(of: "largest_shards")): \(listed), the nodes measure \(expected)")
        }
        return mismatches
    }

    /// One placement of a Citus table, as the placement catalog has it.
    struct CatalogPlacement {
        var shardID: Int64
        var table: String
        /// `host:port`, as Citus registered the node.
        var node: String
        /// The shard's hash range (nil for a reference table's).
        var min: Int64?
        var max: Int64?
    }

    /// Every placement from `pg_dist_placement` (with `pg_dist_shard` and `pg_dist_node`), read
    /// once for a whole check: the catalog the verification files are judged against.
    func catalogPlacements() throws -> [CatalogPlacement] {
        try coordinator.rows(
            """
            SELECT s.shardid, s.logicalrelid::text AS table_name, n.nodename || ':' || n.nodeport AS node,
                   s.shardminvalue::bigint AS min, s.shardmaxvalue::bigint AS max
            FROM pg_dist_shard s JOIN pg_dist_placement p USING (shardid) JOIN pg_dist_node n USING (groupid)
            """
        ).map {
            CatalogPlacement(
                shardID: try $0.get("shardid"), table: try $0.get("table_name"), node: try $0.get("node"),
                min: try $0.optional("min"), max: try $0.optional("max"))
        }
    }

    /// Orders per shard of `orders` as the generated rows put them: each tenant's order count
    /// (from the generator) added to the shard Citus maps the tenant to.
    func expectedOrdersPerShard(_ data: SeedData) throws -> [Int64: Int] {
        let perTenant = data.orderCountByUser
        let tenants = perTenant.keys.sorted()
        let rows = try coordinator.rows(
            """
            SELECT s.shardid, coalesce(sum(t.orders), 0)::bigint AS orders
            FROM pg_dist_shard s
            LEFT JOIN unnest($1::bigint[], $2::bigint[]) AS t(user_id, orders)
                   ON get_shard_id_for_distribution_column('orders', t.user_id) = s.shardid
            WHERE s.logicalrelid = 'orders'::regclass
            GROUP BY s.shardid
            """, [tenants, tenants.map { perTenant[$0]! }])
        return try Dictionary(
            uniqueKeysWithValues: rows.map {
                (try $0.get("shardid", as: Int64.self), try $0.get("orders", as: Int.self))
            })
    }
}
