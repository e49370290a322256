import ClusterFixtures
import ClusterTesting
import Testing

/// Phase 4: every table turned back into a plain PostgreSQL table on the coordinator.
@Suite(
    "Phase 4: undistribute (consolidate)", .serialized, .requiresCitus, .phase(.undistribute),
    .proves(.npmPhase4, .npmAll, .fullDemoCycle))
struct Phase4Tests {
    let phase: PhaseContext
    let evidence: UndistributeEvidence
    var cluster: Cluster { phase.cluster }

    init() throws {
        phase = try PhaseContext.require()
        evidence = try phase.undistribute
    }

    @Test(
        "Table converted to regular PostgreSQL: no lifecycle table is a Citus table any more",
        .proves(.convertedToRegular))
    func tablesAreRegular() throws {
        for table in Cluster.tables {
            #expect(
                try cluster.coordinator.value(
                    "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = $1::regclass", [table], as: Int.self)
                    == 0,
                "\(table) is still in pg_dist_partition")
            #expect(
                try cluster.coordinator.value(
                    "SELECT relkind::text FROM pg_class WHERE oid = $1::regclass", [table], as: String.self) == "r")
        }
    }

    @Test("citus_tables returns empty, and no shards are left in the metadata", .proves(.citusTablesEmpty))
    func citusMetadataEmpty() throws {
        #expect(evidence.citusTablesLeft == 0)
        #expect(evidence.shardsLeft == 0)
        #expect(try cluster.coordinator.value("SELECT count(*) FROM citus_tables", as: Int.self) == 0)
        #expect(try cluster.coordinator.value("SELECT count(*) FROM pg_dist_shard", as: Int.self) == 0)
        #expect(try cluster.coordinator.value("SELECT count(*) FROM pg_dist_partition", as: Int.self) == 0)
        Evidence.note(
            """
            citus_tables: \(try cluster.coordinator.value("SELECT count(*) FROM citus_tables", as: Int.self)) \
            rows, pg_dist_shard: \
            \(try cluster.coordinator.value("SELECT count(*) FROM pg_dist_shard", as: Int.self)) rows
            """
        )
    }

    @Test(
        """
        Nothing of the distributed tables is left on any node: no shard table, cleanup record, replication object \
        or prepared transaction (the workers' id sequences are citusdata/citus#6695, known)
        """,
        .proves(.citusTablesEmpty))
    func nothingLeftOnAnyNode() throws {
        let audit = try FaultAudit.run(on: cluster)
        #expect(audit.withoutLeftoverSequences.isEmpty, "\(audit.withoutLeftoverSequences)")
        // A fault-free lifecycle leaves Citus's cleanup nothing to do: what it found is judged too.
        #expect(audit.beforeCleanup.isEmpty, "before Citus's cleanup ran: \(audit.beforeCleanup)")
        // Known Citus bug: while it exists this records it and stays green; the day Citus drops the
        // sequences, "known issue was not recorded" fails this test, so the note gets updated.
        recordingKnownIssue("undistribute_table leaves the tables' id sequences on the workers (citusdata/citus#6695)")
        {
            #expect(audit.leftoverSequences.isEmpty, "\(audit.leftoverSequences)")
        }
        let leftover =
            audit.withoutLeftoverSequences.isEmpty
            ? "no shard table, cleanup record, replication object or prepared transaction on any node"
            : "\(audit.withoutLeftoverSequences)"
        let sequences =
            audit.leftoverSequences.isEmpty
            ? "none" : audit.leftoverSequences.map(\.description).joined(separator: "; ")
        Evidence.note(
            "after undistribute: \(leftover); id sequences left on workers (citusdata/citus#6695): \(sequences)")
    }

    @Test(
        "All data consolidated on the coordinator: every checksum equals Phase 1's",
        .proves(.dataConsolidated, .integrityAfterEachPhase))
    func dataConsolidated() throws {
        let checksums = try cluster.checksums()
        #expect(checksums == phase.baseline.checksums)
        let bytes = try cluster.coordinator.value(
            "SELECT (pg_stat_file(pg_relation_filepath('orders'))).size", as: Int.self)
        #expect(bytes > 0, "orders' rows are stored in the coordinator's own table file")
        Evidence.note("checksums on the coordinator: " + checksums.map(\.description).joined(separator: "; "))
    }

    @Test(
        "Queries work on regular tables: every demo query returns the baseline's result, planned by PostgreSQL alone",
        .proves(.queriesOnRegularTable, .queriesAtEachPhase))
    func queriesWork() throws {
        let mismatches = try cluster.demoQueryMismatches(
            expected: phase.seedData, tenant: phase.seedData.heaviestUser.id)
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        let plans = try cluster.explainScriptMismatches(tenant: phase.seedData.heaviestUser.id, distributed: false)
        #expect(plans.isEmpty, "\(plans.joined(separator: "\n"))")
        let plan = try cluster.plan("SELECT * FROM orders WHERE user_id = \(phase.seedData.heaviestUser.id)")
        #expect(plan.citusExecutor == nil, "\(plan)")
    }

    @Test("The schema (columns, keys, indexes) matches Phase 1's", .proves(.convertedToRegular))
    func schemaMatchesBaseline() throws {
        let (missing, extra) = try cluster.schemaDifferences(from: phase.baseline.schema)
        let split = BaselineSchema.notNullNamedAfterTemporaryTable(missing: missing, extra: extra)
        #expect(split.missing.isEmpty && split.extra.isEmpty, "missing: \(split.missing), extra: \(split.extra)")
        try cluster.expectNotNullNamesKept(split.renamed)
    }

    @Test(
        """
        34 undistributes regions on its own when the cascade leaves it a Citus table, and leaves a Citus table \
        with no foreign key to them alone
        """)
    func undistributeFileFallsBackToRegions() throws {
        // Tables of a schema of their own, first on the search path, where no foreign key ties
        // regions to orders: the cascade of 34's first statement then leaves regions a reference
        // table, the case its second statement exists for (the lifecycle's tables never reach it).
        // Once alone, once beside another reference table, which 34 must not touch.
        let schema = "citus_verify_fallback"
        // Dropped after the test's own connection is closed (defers run last first), so nothing of
        // it can hold a lock the drop waits on; a drop that fails is said, since Phase 4's other
        // tests would then find these Citus tables.
        defer {
            do { try cluster.coordinator.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE") } catch {
                Issue.record("schema \(schema) left after 34's fallback test: \(error)")
            }
        }
        let connection = try cluster.connect("coordinator (34's fallback)")
        defer { connection.close() }
        for withOther in [false, true] {
            try connection.execute(
                """
                DROP SCHEMA IF EXISTS \(schema) CASCADE;
                CREATE SCHEMA \(schema);
                CREATE TABLE \(schema).regions (code text PRIMARY KEY);
                CREATE TABLE \(schema).orders (id bigint, user_id bigint, PRIMARY KEY (user_id, id));
                SELECT create_reference_table('\(schema).regions');
                SELECT create_distributed_table('\(schema).orders', 'user_id', shard_count => 2);
                """)
            if withOther {
                try connection.execute(
                    """
                    CREATE TABLE \(schema).other (id int PRIMARY KEY);
                    SELECT create_reference_table('\(schema).other');
                    """)
            }
            try connection.execute("SET search_path = \(schema), public")
            _ = try cluster.run(.undistributeTables, on: connection)
            try connection.execute("RESET search_path")
            let left = try connection.query(
                "SELECT table_name::text AS table_name FROM citus_tables WHERE table_name::text LIKE $1 ORDER BY 1",
                ["\(schema).%"]
            ).rows.map { try $0.get("table_name", as: String.self) }
            #expect(left == (withOther ? ["\(schema).other"] : []), "Citus tables of \(schema) left after 34")
        }
    }

    @Test("New rows still get fresh ids: the sequences kept counting through the lifecycle")
    func sequencesContinue() throws {
        let id = try cluster.rolledBack("fresh id") { c in
            try c.query(
                """
                INSERT INTO orders (user_id, region, product_id, quantity, amount, status, created_at, updated_at)
                VALUES (1, 'us-east', 1, 1, 1.00, 'pending', now(), now()) RETURNING id
                """
            ).single().get(0, as: Int.self)
        }
        #expect(id > phase.seedData.orders.count)
    }

    @Test(
        "Writes during the undistribute: every acknowledged write is there once, with its values, and nothing else",
        .proves(.dataConsolidated))
    func writesSurvivedUndistribute() throws {
        let evidence = try phase.undistribute
        let check = try #require(evidence.writes, "the phase ran the undistribute with writers")
        print("writes during \(check)")
        #expect(check.acknowledged > 0, "writers were active during the undistribute")
        #expect(
            check.committedBeforeOperation > 0 && check.committedAfterOperation > 0,
            "the writers wrote before the undistribute began and after it ended: \(check)")
        #expect(check.holds, "\(check)")
        #expect(
            ExpectedWriterErrors.unexpected(in: check).isEmpty,
            "errors the undistribute does not raise: \(ExpectedWriterErrors.unexpected(in: check))")
        Evidence.note("writes during \(check)")
        Evidence.availability(check.availability(outcome: "completed"))
    }
}
