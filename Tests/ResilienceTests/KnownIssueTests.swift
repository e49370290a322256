import ClusterFixtures
import ClusterTesting
import Foundation
import Synchronization
import Testing

/// Citus bugs and quirks, watched on this cluster: recorded as known issues (the run stays
/// green while they exist) with the evidence, and loud the day Citus fixes them (a known issue
/// that does not occur fails its test, so the suite's own workaround and notes get revisited), unless
/// its occurrence is timing and it is marked intermittent (then its outcome is shown, not judged).
@Suite(
    "Known Citus issues, watched: recorded with their evidence, loud once fixed", .serialized, .requiresCitus,
    .exclusiveCluster)
struct KnownIssueTests {
    let cluster: Cluster
    init() throws { cluster = try Cluster.shared() }

    /// The split's own bound (`isolateTenant`'s time limit), watched to its end: a slow split is
    /// not a stalled one. Stalled is citusdata/citus#6790's sign, seen within seconds.
    static let splitTimeLimit: Duration = .seconds(120)

    /// What watching a split under updates ended on.
    enum SplitWatch {
        case returned(Result<TenantIsolation, any Error>)
        case applyErrors
    }

    @Test(
        """
        Tenant isolation while that tenant's orders are updated: completes, or stalls with \
        citusdata/citus#6790's sign (its apply worker failing again and again), reported with the split's positions
        """,
        .faultScenario)
    func isolationUnderUpdates() throws {
        try cluster.lifecycle.ensure(.distributed)
        let tenant = try cluster.heaviestTenant().id
        var options = LoadGenerator.Options.ledger(seed: 60, hotTenant: tenant)
        options.updateShare = 0.8
        options.hotShare = 0.8
        let cancellation = OperationCancellation()
        let evidence = Mutex<[String]>([])
        // A watch that cannot read is a watch that cannot see the sign: its errors fail the test.
        let watchErrors = Mutex<[String]>([])
        // The stall's own sign needs pg_stat_subscription_stats (PostgreSQL 15 and later); before
        // it a stall shows only by the split's bound, and is taken for this issue as it was.
        let seesSign = try cluster.coordinator.value(
            "SELECT current_setting('server_version_num')::int >= 150000", as: Bool.self)
        // Split subscriptions already on a worker (a failed split's leftovers) are not this split's:
        // their errors must not read as its sign.
        let earlier = try Dictionary(
            uniqueKeysWithValues: cluster.workers.map { node in
                (
                    node.name,
                    try node.rows(
                        "SELECT oid::bigint AS id FROM pg_subscription WHERE subname LIKE 'citus\\_shard\\_split%'"
                    )
                    .map { try $0.get("id", as: Int.self) }
                )
            })
        let run = try cluster.lifecycle.withWriters(options) { () -> Result<TenantIsolation, any Error> in
            let isolation = BlockingWork("isolation under updates") { [cluster] in
                try cluster.lifecycle.isolateTenant(tenant, timeLimit: Self.splitTimeLimit, cancellation: cancellation)
            }
            // The stall's own sign: this split's apply worker fails on the replicated UPDATE, and
            // fails again each time it restarts (pg_stat_subscription_stats: twice is "again").
            // Watched until the split returns, which its own bound guarantees.
            let watched = try? Polling.until(
                timeLimit: Self.splitTimeLimit + .seconds(30), every: .milliseconds(250),
                what: "the isolation's end or its apply errors"
            ) { () -> SplitWatch? in
                if let finished = isolation.wait(.zero) { return .returned(finished) }
                guard seesSign else { return nil }
                var failing: [String] = []
                for node in cluster.workers {
                    do {
                        failing += try node.rows(
                            """
                            SELECT st.subname::text AS subscription, st.apply_error_count AS errors
                            FROM pg_stat_subscription_stats st JOIN pg_subscription s ON s.oid = st.subid
                            WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                              AND st.subname LIKE 'citus\\_shard\\_split%' AND st.apply_error_count >= 2
                              AND st.subid::bigint <> ALL ($1::bigint[])
                            """, [earlier[node.name] ?? []]
                        ).map { "\(node.name): \($0)" }
                    } catch {
                        let line = "the watch's query failed on \(node.name): \(error)"
                        watchErrors.withLock { if !$0.contains(line) { $0.append(line) } }
                    }
                }
                guard !failing.isEmpty else { return nil }
                evidence.withLock { $0 += ["apply errors: " + failing.joined(separator: ", ")] }
                return .applyErrors
            }
            if case .returned(let finished)? = watched { return finished }
            // Stalled: what the split's subscriptions were doing, then stop it.
            for node in cluster.workers {
                let rows =
                    (try? node.rows(
                        """
                        SELECT subname::text AS subscription, coalesce(received_lsn::text, '-') AS received,
                               coalesce(latest_end_lsn::text, '-') AS applied,
                               coalesce(last_msg_receipt_time::text, '-') AS last_message
                        FROM pg_stat_subscription
                        WHERE subname LIKE 'citus\\_shard\\_split%' AND subid::bigint <> ALL ($1::bigint[])
                        """, [earlier[node.name] ?? []])) ?? []
                evidence.withLock { $0 += rows.map { "\(node.name): \($0)" } }
            }
            cancellation.cancel()
            return isolation.wait(.seconds(60))
                ?? .failure(StepHung(step: "the stalled isolation after its cancellation"))
        }
        let outcome = try run.get()
        let seen = evidence.withLock { $0 }
        let unread = watchErrors.withLock { $0 }
        #expect(unread.isEmpty, "the split's watch could not read: \(unread)")
        // Before PostgreSQL 15 a failed split is taken for this issue, its sign unseen.
        let sign =
            seen.first { $0.hasPrefix("apply errors") } ?? (seesSign ? nil : "apply errors: not watched before 15")
        let stalledBy = sign ?? "no result within \(Self.splitTimeLimit)"
        let positions = seen.filter { !$0.hasPrefix("apply errors") }
        // While citusdata/citus#6790 exists the split stalls under this load when an UPDATE of the
        // tenant lands in its catch-up; whether one does is timing (the split cannot be held there:
        // Citus 13.2.2's split takes no MovePause lock, tried before copy and before cutover). It
        // stalled in every run on the embedded cluster, but completed in 2.3 s once on the
        // own-cluster check (no TLS): intermittent, so a completed split is recorded (outcome
        // "completed" in the sign-off's fault table) rather than failing the run.
        recordingKnownIssue(
            "a non-blocking split stalls under UPDATEs of the tenant it moves (citusdata/citus#6790)",
            isIntermittent: true
        ) {
            if case .failure(let error) = outcome, sign != nil {
                Issue.record(
                    """
                    stalled (citusdata/citus#6790): \(stalledBy); the split's \
                    subscriptions: \(positions.isEmpty ? "none seen" : positions.joined(separator: "; ")); then \(error)
                    """
                )
            }
        }
        // A split that failed or hung without that sign is not this issue: a failure of its own.
        if case .failure(let error) = outcome, sign == nil {
            Issue.record(
                """
                the isolation under updates ended without citusdata/citus#6790's sign (no repeated apply error): \
                \(stalledBy); the split's subscriptions: \
                \(positions.isEmpty ? "none seen" : positions.joined(separator: "; ")); \(error)
                """
            )
        }
        print(
            """
            known issue #6790: \
            \((try? outcome.get()) != nil ? "the isolation completed under updates" : "stalled; evidence: \(seen)")
            """
        )
        // Whatever the outcome: cleaned up, every acknowledged write holds, nothing left.
        try cluster.dropLeftoverReplication()
        let ledger = try cluster.lifecycle.checkLedger(run.writes, operation: "tenant isolation")
        print("known issue #6790: writes during \(ledger)")
        Evidence.availability(
            ledger.availability(
                outcome: AvailabilityRecord.outcome(of: outcome),
                fault:
                    """
                    80% of the writes update the isolated tenant (citusdata/citus#6790); stopped on repeated \
                    apply errors, or by the split's bound of \(Self.splitTimeLimit)
                    """))
        #expect(ledger.acknowledged > 0 && ledger.updates > 0 && ledger.holds, "\(ledger)")
        try cluster.lifecycle.removeLoadRows()
        let audit = try FaultAudit.run(on: cluster)
        #expect(audit.isClean, "\(audit.findings)")
        let baseline = try #require(try cluster.lifecycle.store.recordedBaseline())
        #expect(try cluster.checksums() == baseline.checksums)
        let isolated =
            (try? outcome.get()) != nil
            ? "completed" : "stalled (citusdata/citus#6790: \(stalledBy)), then stopped"
        Evidence.note("isolation under UPDATEs of the tenant: \(isolated); writes held, nothing left")
    }

    @Test(
        """
        A coordinator crash can hand out acknowledged orders' ids again: both orders stay whole, under \
        one id; setting the sequence past the highest id ends it
        """,
        .requiresLocalCluster, .faultScenario)
    func coordinatorCrashReusesOrderIDs() throws {
        try cluster.lifecycle.ensure(.distributed)
        let local = LocalCluster(directory: cluster.configuration.localClusterDirectory)
        defer { _ = try? cluster.lifecycle.removeLoadRows() }
        let tenants = try cluster.tenants()
        var rng = SeededGenerator(seed: 64)
        let time = Int(Date().timeIntervalSince1970)
        var acknowledged: [AcknowledgedOrder] = []
        /// Writes the `n`th order (token `w1-n`) for its own tenant, so no two share a key
        /// (user_id, id) whatever ids they get, and records it once acknowledged.
        func write(_ n: Int, on connection: Connection) throws {
            var order = NewOrder.random(from: [tenants[n]], using: &rng)
            order.token = "w1-\(n)"
            let (id, itemIDs) = try connection.insert(order, at: time)
            acknowledged.append(AcknowledgedOrder(order, id: id, itemIDs: itemIDs, at: time))
        }
        // PostgreSQL logs a sequence 32 values ahead, and that record is written out with the
        // commit of the transaction that logged it, or with anything else that writes WAL past it.
        // Here that transaction stays open (the first nextval after a checkpoint always logs) while
        // another connection's orders take the values it logged and commit: on the workers, writing
        // nothing on the coordinator. (The items' sequence logs first, committed: else the first
        // order's item would log it, and that commit would write both out.) An immediate shutdown
        // loses what the server had not written yet. Another commit on the coordinator (an
        // autovacuum, Citus's maintenance daemon) or a full WAL page can write the record first:
        // an attempt whose record is already written is rolled back without a crash, and one
        // whose record survived the crash is made again, five attempts at most.
        try #require(tenants.count > 31, "a tenant of its own for each order: \(tenants.count) users")
        var attempts: [String] = []
        var before: [Int] = []
        var after: [Int] = []
        var logged = 0
        while attempts.count < 5 {
            try cluster.coordinator.execute("CHECKPOINT")
            _ = try cluster.coordinator.value("SELECT nextval('order_items_id_seq')", as: Int.self)
            let open = try cluster.connect("transaction left open")
            defer { open.close() }
            try open.execute("BEGIN")
            let record = try open.query(
                "SELECT nextval('orders_id_seq') AS id, pg_current_wal_insert_lsn()::text AS logged_to"
            ).single()
            logged = try record.get("id")
            let writer = try cluster.connect("order writer")
            defer { writer.close() }
            for n in acknowledged.count + 1...acknowledged.count + 3 { try write(n, on: writer) }
            // Written to the kernel survives an immediate shutdown (fsync is off here): the write
            // position, not the flush position, says whether the crash can lose the record.
            let written = try cluster.coordinator.value(
                "SELECT pg_current_wal_lsn() >= $1::pg_lsn", [try record.get("logged_to", as: String.self)],
                as: Bool.self)
            if written {
                attempts.append("written before the crash")
                try open.execute("ROLLBACK")
                continue
            }
            before = acknowledged.suffix(3).map(\.id)
            try local.kill("coordinator")
            defer { _ = try? local.start("coordinator") }
            try cluster.startCoordinatorAgain(through: local)
            let restarted = try cluster.connect("order writer after the restart")
            defer { restarted.close() }
            for n in acknowledged.count + 1...acknowledged.count + 3 { try write(n, on: restarted) }
            after = acknowledged.suffix(3).map(\.id)
            if !Set(after).isDisjoint(with: before) {
                attempts.append("ids given again")
                break
            }
            attempts.append("survived the crash")
        }
        print(
            """
            known issue: ids before the crash \(before) (the open transaction's \(logged)), after it \(after); \
            attempts: \(attempts)
            """)
        // Every order whole, each with its own items (the ledger pairs items with their order by
        // user_id and id), whatever ids they got.
        let ledger = try cluster.lifecycle.checkLedger(
            LoadReport(handWritten: acknowledged), operation: "orders across a coordinator crash")
        #expect(ledger.rowsHold, "\(ledger)")
        recordingKnownIssue(
            "a crashed coordinator's id sequence hands out ids acknowledged orders already have"
        ) {
            #expect(
                ledger.reusedIDs.isEmpty,
                "after the restart: \(after); before it: \(before); attempts \(attempts); \(ledger)")
        }
        Evidence.note(
            "coordinator crash: order ids acknowledged before it \(before), handed out after it \(after); "
                + "given twice: \(ledger.reusedIDs)")
        // The repair, as docs/citus-issues.md gives it: each sequence set past the highest id the
        // coordinator handed out.
        try cluster.coordinator.execute(
            """
            SELECT setval('orders_id_seq', (SELECT max(id) FROM orders WHERE id < (1::bigint << 48)));
            SELECT setval('order_items_id_seq', (SELECT max(id) FROM order_items WHERE id < (1::bigint << 48)));
            """)
        let repairedWriter = try cluster.connect("order writer after the repair")
        defer { repairedWriter.close() }
        try write(acknowledged.count + 1, on: repairedWriter)
        let repaired = try #require(acknowledged.last).id
        #expect(repaired > acknowledged.dropLast().map(\.id).max()!, "after setval: \(repaired)")
    }
}
