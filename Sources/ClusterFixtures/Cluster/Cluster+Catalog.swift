/// Catalog questions asked like the facts they check (after pgTAP's `has_table`, `col_type_is`).
extension Cluster {
    public func hasTable(_ table: String, on connection: Connection? = nil) throws -> Bool {
        try (connection ?? coordinator.connection).query("SELECT to_regclass($1) IS NOT NULL", ["public." + table])
            .single().get(0)
    }

    /// column name → type as `format_type` writes it (`bigint`, `numeric(12,2)`, `timestamp with time zone`).
    public func columnTypes(of table: String) throws -> [String: String] {
        var types: [String: String] = [:]
        for row in try coordinator.rows(
            """
            SELECT attname, format_type(atttypid, atttypmod) AS type
            FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
            """, ["public." + table])
        {
            types[try row.get("attname")] = try row.get("type")
        }
        return types
    }

    /// The primary key's columns, in key order.
    public func primaryKey(of table: String) throws -> [String] {
        try coordinator.rows(
            """
            SELECT a.attname FROM pg_index i
            JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = $1::regclass AND i.indisprimary
            ORDER BY k.position
            """, ["public." + table]
        ).map { try $0.get("attname") }
    }

    /// index name → its columns, for the table's indexes.
    public func indexes(on table: String) throws -> [String: [String]] {
        var indexes: [String: [String]] = [:]
        for row in try coordinator.rows(
            """
            SELECT c.relname AS index, a.attname AS column
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = $1::regclass
            ORDER BY c.relname, k.position
            """, ["public." + table])
        {
            indexes[try row.get("index"), default: []].append(try row.get("column"))
        }
        return indexes
    }

    public func hasExtension(_ name: String, on connection: Connection? = nil) throws -> Bool {
        try (connection ?? coordinator.connection).query(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = $1)", [name]
        ).single().get(0)
    }

    /// Lines of `EXPLAIN (COSTS OFF)` or, with `analyze`, `EXPLAIN (ANALYZE, …)` for a query.
    public func explain(_ sql: String, _ parameters: [any SQLParameter] = [], analyze: Bool = false) throws -> [String]
    {
        let options = analyze ? "ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF" : "COSTS OFF"
        return try coordinator.rows("EXPLAIN (\(options)) \(sql)", parameters).map { try $0.get(0) }
    }

    /// The tenant with the most orders (lowest id on a tie) and its order count.
    public func heaviestTenant() throws -> (id: Int, orders: Int) {
        let row = try coordinator.row(
            "SELECT user_id, count(*) AS orders FROM orders GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1")
        return (try row.get("user_id"), try row.get("orders"))
    }

    /// The worker names `citus_get_active_worker_nodes()` lists, in port order.
    public func activeWorkers() throws -> [String] {
        try coordinator.rows("SELECT node_name, node_port FROM citus_get_active_worker_nodes() ORDER BY node_port").map
        {
            workerName(host: try $0.get("node_name"), port: try $0.get("node_port"))
        }
    }

    /// Whether `pg_dist_node` has a row for `address` (any role, any group).
    public func isRegistered(_ address: NodeAddress) throws -> Bool {
        try coordinator.value(
            "SELECT count(*) FROM pg_dist_node WHERE nodename = $1 AND nodeport = $2", [address.host, address.port],
            as: Int.self) > 0
    }
}
