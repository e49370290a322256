import ClusterFixtures
import ClusterTesting
import Testing

/// Phase 1: plain PostgreSQL tables on the coordinator, seeded; Citus not created yet.
/// Every expected value is computed from the seed in Swift, never read back from the table.
@Suite(
    "Phase 1: regular tables (baseline)", .serialized, .phase(.baseline), .proves(.npmPhase1, .npmAll, .fullDemoCycle))
struct Phase1Tests {
    let phase: PhaseContext
    var cluster: Cluster { phase.cluster }
    var data: SeedData { phase.seedData }

    init() throws { phase = try PhaseContext.require() }

    /// The seed of the second runs (the SQL file's and COPY's), chosen for what the baseline's 42
    /// never reaches: it is above 2^31 - 1, so only taking it modulo 2^31 - 1 gives the generator's
    /// rows; the remainder, 1,000,000,010, makes the hash's first step exceed 2^31 - 1 and is a
    /// multiple of 5, so the heavy users' residue takes the file's special case (0 read as 5).
    static let otherSeed: UInt64 = 2_147_483_647 + 1_000_000_010

    @Test(
        "Tables created successfully: orders, users, regions, order_items with the seed's columns",
        .proves(.tablesCreated))
    func tablesCreated() throws {
        #expect(
            try cluster.columnTypes(of: "orders") == [
                "id": "bigint", "user_id": "bigint", "region": "text", "product_id": "integer", "quantity": "integer",
                "amount": "numeric(12,2)", "status": "text", "metadata": "jsonb",
                "created_at": "timestamp with time zone", "updated_at": "timestamp with time zone",
            ])
        #expect(
            try cluster.columnTypes(of: "users") == [
                "id": "bigint", "email": "text", "name": "text", "region_code": "text", "tier": "text",
                "created_at": "timestamp with time zone",
            ])
        #expect(
            try cluster.columnTypes(of: "regions") == [
                "code": "text", "name": "text", "timezone": "text", "currency": "character(3)",
            ])
        #expect(
            try cluster.columnTypes(of: "order_items") == [
                "id": "bigint", "user_id": "bigint", "order_id": "bigint", "product_name": "text",
                "quantity": "integer",
                "unit_price": "numeric(10,2)",
            ])
        for table in Cluster.tables {
            Evidence.note(
                """
                \(table): \(try cluster.columnTypes(of: table).count) columns, primary key \
                \(try cluster.primaryKey(of: table))
                """
            )
        }
    }

    @Test("Primary keys of orders and order_items include user_id, so both can be distributed by it")
    func primaryKeysAllowDistribution() throws {
        #expect(try cluster.primaryKey(of: "orders") == ["user_id", "id"])
        #expect(try cluster.primaryKey(of: "order_items") == ["user_id", "id"])
        #expect(try cluster.primaryKey(of: "regions") == ["code"])
        #expect(try cluster.primaryKey(of: "users") == ["id"])
    }

    @Test("Indexes idx_orders_user_id, idx_orders_region, idx_orders_created_at exist on their columns")
    func ordersIndexes() throws {
        let indexes = try cluster.indexes(on: "orders")
        #expect(indexes["idx_orders_user_id"] == ["user_id"])
        #expect(indexes["idx_orders_region"] == ["region"])
        #expect(indexes["idx_orders_created_at"] == ["created_at"])
    }

    @Test(
        "10 regions, 1,000 users and 10,000 orders seeded (per unit of scale), with their order items",
        .proves(.ordersSeeded))
    func rowCounts() throws {
        let counts = try Dictionary(
            uniqueKeysWithValues: Cluster.tables.map {
                ($0, try cluster.coordinator.value("SELECT count(*) FROM \(SQLIdentifier.quote($0))", as: Int.self))
            })
        // The checklist's figures, written here: not the generator's constants, which a change to
        // the generator would move along with the data.
        #expect(counts["regions"] == 10)
        #expect(counts["users"] == 1_000 * data.scale)
        #expect(counts["orders"] == 10_000 * data.scale)
        #expect(counts["order_items"] == data.items.count)
        #expect(try cluster.coordinator.value("SELECT count(DISTINCT region_code) FROM users", as: Int.self) == 10)
        Evidence.note("rows: " + Cluster.tables.map { "\($0) \(counts[$0] ?? -1)" }.joined(separator: ", "))
    }

    @Test(
        "Every table holds exactly the generated rows, every column: checksums equal those computed from the seed",
        .proves(.ordersSeeded, .integrityAfterEachPhase))
    func tablesHoldTheGeneratedRows() throws {
        let checksums = try cluster.checksums()
        // Computed from the generated rows when the baseline was made (Baseline.generated), never read back.
        #expect(checksums == phase.baseline.checksums)
        Evidence.note(
            "checksums in the database equal the seed's: " + checksums.map(\.description).joined(separator: "; "))
    }

    @Test("The schema (columns, types, defaults, constraints, indexes) is the one the lifecycle was designed for")
    func schemaAsDesigned() throws {
        let (missing, extra) = try cluster.schemaDifferences()
        #expect(missing.isEmpty && extra.isEmpty, "missing: \(missing), extra: \(extra)")
    }

    @Test("Each id sequence stands at the seed's largest id, so the next insert gets the next id and never collides")
    func sequencesStandAtTheSeed() throws {
        let expected = [
            "users": data.users.map(\.id).max()!, "orders": data.orders.map(\.id).max()!,
            "order_items": data.items.map(\.id).max()!,
        ]
        for (table, largest) in expected.sorted(by: { $0.key < $1.key }) {
            // NULL when the sequence was never advanced (setval with is_called false, or no setval).
            let last = try cluster.coordinator.row(
                "SELECT pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass) AS last_value",
                [table]
            ).optional("last_value", as: Int.self)
            #expect(
                last == largest,
                """
                \(table)'s sequence stands at \(last.map(String.init) ?? "nothing (never advanced)"), the seed's \
                largest id is \(largest)
                """
            )
        }
    }

    @Test("20% of users generate 80% of orders (measured in the database)", .proves(.ordersSeeded))
    func skew() throws {
        let share = try cluster.coordinator.value(
            """
            WITH per_user AS (
                SELECT u.id, count(o.id) AS orders FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.id
            ), ranked AS (
                SELECT orders, row_number() OVER (ORDER BY orders DESC, id) AS rank FROM per_user
            )
            SELECT (sum(orders) FILTER (WHERE rank <= (SELECT count(*) FROM users) / 5))::float8 / sum(orders)
            FROM ranked
            """, as: Double.self)
        #expect(share >= 0.78, "the busiest fifth of users placed \(share * 100)% of the orders")
        #expect(abs(share - data.shareOfOrdersFromTopFifthOfUsers) < 1e-9)
        let heavyOrders = try cluster.coordinator.value(
            "SELECT count(*) FROM orders WHERE user_id = ANY($1::bigint[])",
            [data.heavyUserIDs.sorted()], as: Int.self)
        #expect(heavyOrders == Int(Double(data.orders.count) * SeedData.heavyOrderShare))
        Evidence.note(String(format: "the busiest 20%% of users placed %.1f%% of the orders", share * 100))
    }

    @Test("Citus extension NOT created yet on the coordinator", .proves(.citusNotCreated))
    func citusNotCreated() throws {
        #expect(try !cluster.hasExtension("citus"))
        #expect(
            try cluster.coordinator.value("SELECT count(*) FROM pg_extension WHERE extname LIKE 'citus%'", as: Int.self)
                == 0)
        Evidence.note(
            "extensions: "
                + (try cluster.coordinator.rows("SELECT extname FROM pg_extension ORDER BY 1").map {
                    try $0.get("extname", as: String.self)
                }.joined(separator: ", ")))
    }

    @Test(
        "Baseline queries work correctly: totals, per-region counts and the heaviest tenant match the generator",
        .proves(.baselineQueries, .queriesAtEachPhase))
    func baselineQueries() throws {
        let revenueCents = try cluster.coordinator.value("SELECT (sum(amount) * 100)::bigint FROM orders", as: Int.self)
        #expect(revenueCents == data.totalAmountCents)

        let byRegion = try cluster.coordinator.rows("SELECT region, count(*) AS orders FROM orders GROUP BY region")
        #expect(
            try Dictionary(
                uniqueKeysWithValues: byRegion.map {
                    (try $0.get("region", as: String.self), try $0.get("orders", as: Int.self))
                })
                == data.orderCountByRegion)

        let heaviest = try cluster.coordinator.row(
            "SELECT user_id, count(*) AS orders FROM orders GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1")
        #expect(try heaviest.get("user_id", as: Int.self) == data.heaviestUser.id)
        #expect(try heaviest.get("orders", as: Int.self) == data.heaviestUser.orders)

        // One pass over each table (a correlated sum per order scanned a heavy tenant's items once
        // per order: 35 s at scale 100). An order without items counts as a mismatch too.
        let itemsMatchAmounts = try cluster.coordinator.value(
            """
            SELECT count(*) FROM orders o
            LEFT JOIN (SELECT user_id, order_id, sum(quantity * unit_price) AS total
                       FROM order_items GROUP BY user_id, order_id) i
                   ON i.user_id = o.user_id AND i.order_id = o.id
            WHERE o.amount IS DISTINCT FROM i.total
            """, as: Int.self)
        #expect(itemsMatchAmounts == 0, "every order's amount is the sum of its items")
        Evidence.note(
            """
            revenue \(Double(revenueCents) / 100), heaviest tenant \(data.heaviestUser.id) with \
            \(data.heaviestUser.orders) orders, \(byRegion.count) regions, all as the generator computed
            """
        )
    }

    @Test(
        "Every demo query (20, 21, 22, 25) returns what the generated rows say, and no plan (23) mentions Citus",
        .proves(.baselineQueries, .queriesAtEachPhase))
    func demoQueries() throws {
        let tenant = data.heaviestUser.id
        let mismatches = try cluster.demoQueryMismatches(expected: data, tenant: tenant)
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        let plans = try cluster.explainScriptMismatches(tenant: tenant, distributed: false)
        #expect(plans.isEmpty, "\(plans.joined(separator: "\n"))")
        Evidence.note(
            """
            \(data.demoExpectations(tenant: tenant).count) labelled demo results equal the generator's (tenant \
            \(tenant))
            """
        )
    }

    @Test(
        """
        The top tenants by revenue (25) break a tie by user id: the generator's two largest revenues made equal \
        (in a transaction, rolled back) come out in id order
        """,
        .proves(.baselineQueries))
    func topTenantsBreakTiesByID() throws {
        // The seed makes no tie among the largest revenues, so the order among equal revenues that
        // the file and the generator's expectation share is checked on a tie made for it.
        var cents: [Int: Int] = [:]
        for order in data.orders { cents[order.userID, default: 0] += order.amountCents }
        let ranked = cents.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let (first, second) = (ranked[0], ranked[1])
        let raised = try #require(data.orders.first { $0.userID == second.key })
        let top = try cluster.rolledBack("tied revenues") { session in
            try session.query(
                "UPDATE orders SET amount = amount + $1::numeric / 100 WHERE user_id = $2 AND id = $3",
                [first.value - second.value, raised.userID, raised.id])
            return try cluster.run(.aggregateQuery, on: session).named("top_tenants_by_revenue").rows
        }
        let users = try top.prefix(2).map { try $0.get("user_id", as: Int.self) }
        #expect(users == [first.key, second.key].sorted(), "tied at \(first.value) cents: \(top.prefix(3))")
        let tied = String(format: "%d.%02d", first.value / 100, first.value % 100)
        #expect(try top.prefix(2).map { try $0.get("revenue", as: String.self) } == [tied, tied])
    }

    @Test(
        "The checksum sees a change in every column of every table, and an added, a deleted and a duplicated row",
        .proves(.integrityAfterEachPhase))
    func checksumSeesEveryChange() throws {
        let report = try ChecksumSelfTest.run(on: cluster.coordinator.connection)
        #expect(report.unseen.isEmpty, "changes the checksum did not see: \(report.unseen)")
        #expect(report.seen >= 26 + 3 * Cluster.tables.count, "\(report.seen) planted changes seen")
        Evidence.note(
            """
            checksum self-test: \(report.seen) planted changes (each column of each table, added, deleted and \
            duplicated rows), all seen
            """
        )
    }

    @Test(
        """
        The seed file refuses a scale of 0 before writing or creating anything; run again in that session (as \
        psql's \\i would) with another seed and scale, it makes exactly the generator's rows and leaves none of \
        its helpers behind; seed 0 is a seed, and a run that fails midway leaves nothing in the schema
        """,
        .proves(.ordersSeeded))
    func seedFileRefusesBadScale() throws {
        // Seed 0 and the failed run in a scratch database of their own, beside the first: each seed run
        // is one server process's work, and the two scratch databases share nothing.
        let zeroData = SeedData(seed: 0, scale: 1)
        let seedZero = BlockingWork("seed file, seed 0") { [cluster] in
            try Self.seedZeroRuns(on: cluster, expecting: zeroData)
        }
        // Ended before the test ends, whatever fails first (its statements have deadlines of their own).
        defer { _ = seedZero.wait(.seconds(300)) }
        try cluster.withScratchDatabase("refused_seed") { scratch in
            // Statement by statement, as psql -f runs it, in one session throughout: what ran before
            // a refusal stays committed, and what the file creates for itself stays in the session.
            let session = try scratch.connect("coordinator (seed file)")
            defer { session.close() }
            let error = try #require(throws: DatabaseError.self) {
                try scratch.lifecycle.runSeedFile(seed: 42, scale: 0, on: session)
            }
            #expect(error.description.contains("citus_verify.scale must be a whole number of at least 1"), "\(error)")
            for table in Cluster.tables {
                #expect(
                    try scratch.coordinator.value("SELECT count(*) FROM \(table)", as: Int.self) == 0,
                    "\(table) after a refused seed run")
            }
            #expect(try Self.helpersLeft(in: session).isEmpty, "what the refused run left in its session")
            // The same session again, now with `otherSeed` and scale 2 (see there).
            try scratch.lifecycle.runSeedFile(seed: Self.otherSeed, scale: 2, on: session)
            let seeded = SeedData(seed: Self.otherSeed, scale: 2)
            #expect(
                try scratch.checksums() == seeded.expectedChecksums, "seed \(Self.otherSeed), scale 2 by the SQL file")
            #expect(try Self.helpersLeft(in: session).isEmpty, "the file's helpers are dropped at its end")
            #expect(try Self.permanentTables(of: scratch) == Set(Cluster.tables), "the file's own tables are temporary")
            Evidence.note(
                """
                seed \(Self.otherSeed), scale 2: the SQL file, run in the session where it had just refused \
                scale 0, made \(seeded.orders.count) orders and \(seeded.items.count) items, every table's checksum \
                the generator's, and left no helper behind; then seed 0 the same
                """
            )
        }
        let zero = try seedZero.value()
        #expect(zero.checksums == zeroData.expectedChecksums, "seed 0 by the SQL file")
        // What a failed checksum names: exactly the two rows changed after seed 0's run.
        #expect(zero.differences.count == 2, "\(zero.differences)")
        #expect(
            zero.differences.contains { $0.hasPrefix("order_items: missing [\"3\"], extra [], changed []") },
            "\(zero.differences)")
        #expect(
            zero.differences.contains {
                $0.hasPrefix("users: missing [], extra [], changed [\"7: expected") && $0.contains("Someone Else")
            }, "\(zero.differences)")
        let failure = try #require(zero.failure, "the seed run with orders refusing every row succeeded")
        #expect(failure.description.contains("planted_refusal"), "\(failure)")
        #expect(zero.tablesAfterFailure == Set(Cluster.tables), "what a run that failed midway left in the schema")
    }

    /// What the seed file did in a scratch database of its own: seed 0 at scale 1 (the smallest seed
    /// it takes: 0 is a seed, not a refusal), the differences it names once two rows are changed, then
    /// a run that fails once its helpers exist (orders refuses every row: a CHECK planted here), and
    /// the tables the schema holds after it (what the file made for itself stays in its session).
    private static func seedZeroRuns(on cluster: Cluster, expecting data: SeedData) throws
        -> (checksums: [TableChecksum], differences: [String], failure: DatabaseError?, tablesAfterFailure: Set<String>)
    {
        try cluster.withScratchDatabase("seed_zero") { scratch in
            let session = try scratch.connect("coordinator (seed file, seed 0)")
            defer { session.close() }
            try scratch.lifecycle.runSeedFile(seed: 0, scale: 1, on: session)
            let checksums = try scratch.checksums()
            try session.execute("DELETE FROM order_items WHERE id = 3")
            try session.execute("UPDATE users SET name = 'Someone Else' WHERE id = 7")
            let differences = try scratch.tableDifferences(from: data)
            try session.execute("TRUNCATE order_items, orders, users, regions")
            try session.execute("ALTER TABLE orders ADD CONSTRAINT planted_refusal CHECK (false) NOT VALID")
            var failure: DatabaseError?
            do { try scratch.lifecycle.runSeedFile(seed: 0, scale: 1, on: session) } catch let error as DatabaseError {
                failure = error
            }
            return (checksums, differences, failure, try permanentTables(of: scratch))
        }
    }

    /// The tables and functions in `session`'s own temporary schema.
    private static func helpersLeft(in session: Connection) throws -> [String] {
        try session.query(
            """
            SELECT relname::text AS name FROM pg_class WHERE relnamespace = pg_my_temp_schema()
            UNION ALL SELECT proname::text FROM pg_proc WHERE pronamespace = pg_my_temp_schema()
            ORDER BY 1
            """
        ).rows.map { try $0.get("name", as: String.self) }
    }

    /// The tables of `scratch`'s public schema.
    private static func permanentTables(of scratch: Cluster) throws -> Set<String> {
        Set(
            try scratch.coordinator.rows(
                """
                SELECT relname::text AS name FROM pg_class
                WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
                """
            ).map { try $0.get("name", as: String.self) })
    }

    @Test(
        "The COPY path (citus-verify setup) makes exactly the generator's rows, for another seed and scale too",
        .proves(.ordersSeeded))
    func copyLoaderMakesTheSameRows() throws {
        // The same seed and scale as the seed file's second run above: either side drifting from
        // the generator turns its own test red.
        let expected = SeedData(seed: Self.otherSeed, scale: 2)
        let found = try cluster.withScratchDatabase("copy") { scratch in
            try scratch.lifecycle.load(SeedGenerator(seed: Self.otherSeed, scale: 2))
            return try scratch.checksums()
        }
        #expect(found == expected.expectedChecksums)
        Evidence.note(
            """
            seed \(Self.otherSeed), scale 2: COPY made \(expected.orders.count) orders and \(expected.items.count) \
            items, every table's checksum the generator's
            """
        )
    }
}
