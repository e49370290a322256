import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// Bad input gets an error naming its cause and changes nothing. How long each error took is
/// printed, not asserted (a test checks behaviour; every wait here is bounded by connect_timeout
/// or statement_timeout, so none can hang).
@Suite("Bad input: a clear error naming the cause, and the cluster left as it was", .serialized, .exclusiveCluster)
struct BadInputTests {
    let cluster: Cluster
    init() throws { cluster = try Cluster.shared() }

    private func timed<T>(_ what: String, _ body: () throws -> T) rethrows -> T {
        let clock = ContinuousClock()
        let start = clock.now
        defer { print("bad input: \(what) answered in \(start.duration(to: clock.now))") }
        return try body()
    }

    @Test(
        """
        A seed load that fails in one COPY stream stops every stream, names the slice and the stream, and leaves \
        the tables empty
        """
    )
    func seedLoadFailure() throws {
        try cluster.withScratchDatabase("seed_failure") { scratch in
            // A user already there: the slice holding user 1,500 (1,001-2,000) hits its key.
            try scratch.coordinator.execute("INSERT INTO regions VALUES ('zz-none', 'None', 'UTC', 'XXX')")
            try scratch.coordinator.execute(
                """
                INSERT INTO users (id, email, name, region_code, tier, created_at) VALUES (1500, 'x', 'x', \
                'zz-none', 'free', now())
                """
            )
            let error = try #require(throws: SeedLoadFailed.self) {
                try ParallelSeedLoad(streams: 2, sliceRows: 1_000).load(SeedGenerator(seed: 1, scale: 2), into: scratch)
            }
            #expect(error.slice == 1, "the second users slice, 1001...2000: \(error)")
            #expect(
                error.description.contains("slice 2 on COPY stream") && error.description.contains("duplicate key"),
                "\(error)")
            for table in Cluster.tables {
                #expect(
                    try scratch.coordinator.value("SELECT count(*) FROM \(table)", as: Int.self) == 0,
                    "\(table) emptied")
            }
        }
    }

    @Test("Unreachable host: the error names the node and its address")
    func unreachableHost() throws {
        let address = NodeAddress(host: "127.0.0.1", port: 1)
        let error = try #require(throws: DatabaseError.self) {
            try timed("unreachable host") { try cluster.connect("worker9", at: address) }
        }
        #expect(error.node.contains("worker9") && error.node.contains("127.0.0.1:1"), "\(error)")
        #expect(error.description.contains("Connection refused"), "\(error)")
    }

    @Test("Wrong password: SQLSTATE 28P01 from the node that refused it")
    func wrongPassword() throws {
        let c = cluster.configuration
        let error = try #require(throws: DatabaseError.self) {
            try timed("wrong password") {
                try Connection(
                    label: "coordinator", address: c.coordinator, database: c.database, user: c.user,
                    password: c.password + "-wrong")
            }
        }
        #expect(error.description.contains("password authentication failed"), "\(error)")
        #expect(error.node.contains("\(c.coordinator)"), "\(error)")
    }

    @Test("Malformed environment variable: the error names the variable, the value and the expected form")
    func malformedVariable() throws {
        let c = cluster.configuration
        var environment = [
            "CITUS_COORDINATOR": "\(c.coordinator)", "CITUS_DATABASE": c.database, "CITUS_USER": c.user,
            "CITUS_PASSWORD": c.password,
        ]
        for (number, worker) in zip(1..., c.workers) {
            environment["CITUS_WORKER\(number)_ADDR"] = "\(worker.registeredAddress)"
        }
        #expect(throws: Never.self, "the configuration in use loads") {
            try ClusterConfiguration.load(environment: environment)
        }
        environment["CITUS_WORKER2_ADDR"] = "worker2"
        let error = try #require(throws: ConfigurationError.self) {
            try ClusterConfiguration.load(environment: environment)
        }
        #expect(error.description.hasPrefix("CITUS_WORKER2_ADDR is 'worker2': expected host:port"), "\(error)")
    }

    @Test("An extension that is not installed is named, with the coordinator and the server version")
    func extensionNotInstalled() throws {
        let reason = try #require(try CitusAvailability.reason(on: cluster, extension: "citus_absent"))
        #expect(
            reason.contains("citus_absent is not installed on the coordinator \(cluster.configuration.coordinator)"),
            "\(reason)")
        #expect(reason.contains("PostgreSQL 1"), "\(reason)")
    }

    @Test("A SQL file with a syntax error names the file and the line of the failing statement, with SQLSTATE 42601")
    func sqlSyntaxError() throws {
        let script = try SQLScript(name: "sql/broken.sql", text: "SELECT 1;\n\n-- a comment\nSELEC 2;\nSELECT 3;\n")
        let before = try ClusterFingerprint(of: cluster)
        let error = try #require(throws: DatabaseError.self) {
            try timed("syntax error") { try cluster.coordinator.connection.run(script) }
        }
        #expect(error.sqlState == "42601")
        #expect(error.description.hasPrefix("sql/broken.sql:4: coordinator"), "\(error)")
        #expect(try ClusterFingerprint(of: cluster) == before)
    }

    @Test(
        """
        A SQL file that leaves its session changed (a transaction open, a temporary table or function, a setting \
        SET or RESET without being put back) is refused, naming the file and what it left, and the session is \
        put back; one that cleans up passes
        """,
        arguments: [
            ("BEGIN;\nSELECT 1;\n", "leaves a transaction open"),
            ("CREATE TEMP TABLE kept (id int);\n", "temporary table kept"),
            ("CREATE FUNCTION pg_temp.kept() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n", "temporary function kept"),
            ("SET work_mem = '7MB';\n", "setting work_mem = 7MB (was 5MB)"),
            // A placeholder, which pg_settings does not list: seen because the file names it.
            ("SET citus_verify.kept = 'yes';\n", "setting citus_verify.kept = yes (was (no value))"),
            ("SELECT set_config('citus_verify.kept', 'yes', false);\n", "setting citus_verify.kept = yes"),
            // A setting no statement names (a computed name, as a function call would set it).
            ("SELECT set_config('work' || '_mem', '7MB', false);\n", "setting work_mem = 7MB (was 5MB)"),
            // The caller's own setting (work_mem 5MB, below) undone by the file.
            ("RESET work_mem;\n", "(was 5MB)"),
            // A placeholder SET after a comment line of its statement.
            ("-- a note\nSET citus_verify.kept = 'yes';\n", "setting citus_verify.kept = yes"),
            // A setting named in quotes, as psql accepts it.
            ("SET \"work_mem\" = '7MB';\n", "setting work_mem = 7MB (was 5MB)"),
            // A placeholder set and reset reads as empty, never set as no value: the same.
            ("SET citus_verify.kept = 'yes';\nRESET citus_verify.kept;\n", nil),
            (
                "SET enable_seqscan = off;\nSELECT 1;\nRESET enable_seqscan;\n"
                    + "CREATE TEMP TABLE t (id int);\nDROP TABLE t;\n",
                nil
            ),
        ])
    func sessionLeftChanged(text: String, left: String?) throws {
        let script = try SQLScript(name: "sql/session.sql", text: text)
        let session = try cluster.connect("coordinator (session left changed)")
        defer { session.close() }
        try session.execute("SET work_mem = '5MB'")
        guard let left else {
            try session.run(script)
            return
        }
        let error = try #require(throws: DatabaseError.self) { try session.run(script) }
        #expect(error.description.contains("sql/session.sql leaves"), "\(error)")
        #expect(error.description.contains(left), "\(error)")
        // Put back as the file found it: the caller's setting, no placeholder, no temporary object.
        if !text.hasPrefix("BEGIN") {
            let state = try session.query(
                """
                SELECT current_setting('work_mem') AS work_mem,
                       coalesce(current_setting('citus_verify.kept', true), '') AS kept,
                       (SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema())
                       + (SELECT count(*) FROM pg_proc WHERE pronamespace = pg_my_temp_schema()) AS temporary
                """
            ).single()
            #expect(try state.get("work_mem", as: String.self) == "5MB")
            #expect(try state.get("kept", as: String.self) == "")
            #expect(try state.get("temporary", as: Int.self) == 0)
        }
    }

    @Test("A phase run before its predecessor's state exists is refused, naming the stage it needs")
    func phaseBeforeItsPredecessor() throws {
        try cluster.lifecycle.ensure(.baseline)
        let before = try ClusterFingerprint(of: cluster)
        let error = try #require(throws: StageMismatch.self) {
            try timed("reshard on a baseline") { try cluster.lifecycle.reshard() }
        }
        #expect(
            error.description.contains("starts from the 'distributed' stage, but the cluster is at 'baseline'"),
            "\(error)")
        #expect(try ClusterFingerprint(of: cluster) == before)
    }
}

/// Requests Citus refuses, or this suite refuses before Citus is asked, on a distributed cluster.
@Suite(
    "Bad input on a distributed cluster: refused with the reason, nothing changed", .serialized, .requiresCitus,
    .exclusiveCluster)
struct CitusBadInputTests {
    let cluster: Cluster
    init() throws {
        cluster = try Cluster.shared()
        try cluster.lifecycle.ensure(.distributed)
    }

    private func refused(sourceLocation: SourceLocation = #_sourceLocation, _ operation: () throws -> Void) throws
        -> String
    {
        let before = try ClusterFingerprint(of: cluster)
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(throws: (any Error).self, sourceLocation: sourceLocation) { try operation() }
        print("bad input: \(error) (answered in \(start.duration(to: clock.now)))")
        #expect(
            try ClusterFingerprint(of: cluster) == before, "the cluster is as it was", sourceLocation: sourceLocation)
        return "\(error)"
    }

    @Test("Adding a worker that is already registered")
    func workerAlreadyRegistered() throws {
        try cluster.lifecycle.addWorker()
        let message = try refused { try cluster.lifecycle.addWorker() }
        #expect(
            message.contains(cluster.configuration.addedWorker.name) && message.contains("already registered"),
            "\(message)")
    }

    @Test("Draining the last worker that can hold shards")
    func drainingTheLastWorker() throws {
        let first = cluster.configuration.workers[0]
        // Only the first worker may hold shards: every other registered worker is marked as not taking any.
        let others = try cluster.coordinator.rows(
            """
            SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 AND NOT (nodename = $1 AND nodeport = $2)
            """, [first.registeredAddress.host, first.registeredAddress.port]
        ).map {
            (try $0.get("nodename", as: String.self), try $0.get("nodeport", as: Int.self))
        }
        for (host, port) in others {
            try cluster.coordinator.execute(
                "SELECT citus_set_node_property($1, $2, 'shouldhaveshards', false)", [host, port])
        }
        defer {
            for (host, port) in others {
                _ = try? cluster.coordinator.row(
                    "SELECT citus_set_node_property($1, $2, 'shouldhaveshards', true)", [host, port])
            }
        }
        let message = try refused { _ = try cluster.lifecycle.drain(first) }
        #expect(message.contains(first.name) && message.contains("last worker"), "\(message)")
    }

    @Test("Isolating a tenant that has no rows")
    func isolatingAnEmptyTenant() throws {
        let message = try refused { _ = try cluster.lifecycle.isolateTenant(987_654_321) }
        #expect(message.contains("tenant 987654321 has no orders"), "\(message)")
    }

    @Test("Undistributing a table that is not distributed")
    func undistributingPlainTables() throws {
        try cluster.lifecycle.ensure(.baseline)
        let message = try refused { _ = try cluster.lifecycle.undistribute() }
        #expect(message.contains("orders is not a distributed table"), "\(message)")
    }
}
