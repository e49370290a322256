import Foundation

/// An operation run while writers insert and update orders, with what the writers had
/// acknowledged: the operation's own outcome is kept, success or failure, so a test can check the
/// writes after an operation that was meant to fail.
public struct WritesDuring<T: Sendable>: Sendable {
    public var outcome: Result<T, Error>
    public var writes: LoadReport
    /// Transactions the writers had committed when the operation began, and transactions that
    /// began after it ended and committed: the evidence that they wrote on both sides of it.
    public var committedBefore = 0
    public var committedAfter = 0

    /// The operation's value, or its error rethrown.
    public func get() throws -> T { try outcome.get() }
}

extension LoadGenerator.Options {
    /// Writers for a verification run: four connections at a modest rate (the machine also has to
    /// run the shard moves), a fifth of the transactions updating earlier orders.
    public static func ledger(seed: UInt64, hotTenant: Int? = nil) -> Self {
        .init(connections: 4, rate: 200, seed: seed, updateShare: 0.2, hotTenant: hotTenant)
    }
}

extension Lifecycle {
    /// Runs `operation` while writers are active the whole time: it begins once the writers have
    /// committed as many transactions as they have connections, and they stop once a transaction
    /// that began after it ended has committed, so writes are seen landing on both sides of it. `warmUp` and
    /// `coolDown` only bound those two waits (generous: on a loaded machine the writers' first
    /// commits took longer than half a second, seen in CI): writers that cannot commit (a fault's
    /// doing) hold nothing up for longer, and what they did is judged from their report, not here.
    public func withWriters<T: Sendable>(
        _ options: LoadGenerator.Options, warmUp: Duration = .seconds(10),
        coolDown: Duration = .seconds(5),
        operation: () throws -> T
    ) throws -> WritesDuring<T> {
        let generator = LoadGenerator(cluster: cluster, options: options)
        let writers = BlockingWork("writers") { try generator.run(progressInterval: 0.1) }
        generator.awaitCommitted(atLeast: options.connections, within: warmUp)
        let before = generator.committedSoFar
        let outcome = Result { try operation() }
        let atEnd = generator.committedSoFar
        // Each connection may have had one transaction in flight when the operation ended: only
        // commits beyond those began after it. Counted before the stop, for the same reason.
        generator.awaitCommitted(atLeast: atEnd + options.connections + 1, within: coolDown)
        let after = max(0, generator.committedSoFar - atEnd - options.connections)
        generator.stop()
        return WritesDuring(
            outcome: outcome, writes: try writers.value(), committedBefore: before, committedAfter: after)
    }

    /// The one wrapper for a lifecycle operation under writers: they start first and stop after it
    /// (`withWriters`); every write they acknowledged is then checked against the database
    /// (`checkLedger`), with, when `measuringCoverage`, how many of the shard groups the operation
    /// moved or split the writes hit; and their rows are removed, so the step's checksums compare
    /// with the baseline again. An operation that failed throws its error before any check.
    public func whileWriting<T: Sendable>(
        _ name: String, _ options: LoadGenerator.Options, measuringCoverage: Bool,
        _ operation: () throws -> T
    ) throws -> (value: T, check: LedgerCheck) {
        let before = measuringCoverage ? try shardMap() : [:]
        let run = try withWriters(options, operation: operation)
        let value = try run.get()
        var check = try checkLedger(run.writes, operation: name)
        check.committedBeforeOperation = run.committedBefore
        check.committedAfterOperation = run.committedAfter
        if measuringCoverage {
            (check.movedShardGroups, check.coveredShardGroups) = try coverage(
                of: run.writes, before: before, after: try shardMap())
        }
        try removeLoadRows()
        return (value, check)
    }

    /// The ledger of `writes` read before Citus's prepared-transaction recovery and again after it
    /// (see `RecoveredLedger`, why both): read again whenever the first reading does not hold, since
    /// the maintenance daemon may commit a late write between the two whatever this call recovers.
    public func checkLedgerAcrossRecovery(
        _ writes: LoadReport, operation: String,
        timeLimit: Duration = .seconds(30)
    ) throws -> RecoveredLedger {
        let beforeRecovery = try checkLedger(writes, operation: operation)
        let recovery = recoverPreparedTransactions(timeLimit: timeLimit)
        let ledger = beforeRecovery.holds ? beforeRecovery : try checkLedger(writes, operation: operation)
        return RecoveredLedger(beforeRecovery: beforeRecovery, ledger: ledger, recovery: recovery)
    }

    /// Asks Citus's `recover_prepared_transactions()` once a second until no node holds a prepared
    /// transaction, for at most `timeLimit`. Recovery commits nothing on a worker it cannot reach yet
    /// ("transaction recovery cannot connect to …", seen with docs/repro/late-two-phase-write.sh), so
    /// one call is not enough. Never throws: what is still prepared at the end, and the last error,
    /// are in the result.
    public func recoverPreparedTransactions(timeLimit: Duration = .seconds(30)) -> PreparedTransactionRecovery {
        let nodes = cluster.nodes
        var recovery = PreparedTransactionRecovery(timeLimit: timeLimit)
        func countPrepared() {
            recovery.stillPrepared = [:]
            for node in nodes {
                // A node that does not answer may still hold some: counted as unknown (-1).
                let count = (try? node.preparedTransactionCount()) ?? -1
                if count != 0 { recovery.stillPrepared[node.name] = count }
            }
        }
        do {
            _ = try Polling.until(
                timeLimit: timeLimit, every: .seconds(1), what: "no prepared transaction left on any node"
            ) { () -> Bool? in
                countPrepared()
                if recovery.stillPrepared.isEmpty { return true }
                recovery.recovered += try cluster.coordinator.value(
                    "SELECT recover_prepared_transactions()", as: Int.self)
                countPrepared()
                return recovery.stillPrepared.isEmpty ? true : nil
            }
        } catch {
            recovery.error = "\(error)"
        }
        return recovery
    }

    /// Checks every acknowledged write of `writes` against the database (see `LedgerCheck`): every
    /// column of every order the writers' token marks, and of each of its items.
    public func checkLedger(_ writes: LoadReport, operation: String) throws -> LedgerCheck {
        // Items belong to an order by the tables' key, (user_id, order_id): the order id alone can
        // be given twice (LedgerCheck.reusedIDs), and each order must still show only its own items.
        struct OrderKey: Hashable {
            var userID: Int, id: Int
        }
        var items: [OrderKey: [LedgerCheck.FoundItem]] = [:]
        for row in try cluster.coordinator.rows(
            """
            SELECT i.order_id, i.id, i.user_id, i.product_name, i.quantity, (i.unit_price * 100)::bigint AS cents
            FROM order_items i JOIN orders o ON o.user_id = i.user_id AND o.id = i.order_id
            WHERE o.metadata ->> 'source' = 'load'
            """)
        {
            items[OrderKey(userID: try row.get("user_id"), id: try row.get("order_id")), default: []].append(
                LedgerCheck.FoundItem(
                    id: try row.get("id"), userID: try row.get("user_id"), productName: try row.get("product_name"),
                    quantity: try row.get("quantity"), unitPriceCents: try row.get("cents")))
        }
        let found = try cluster.coordinator.rows(
            """
            SELECT metadata ->> 'token' AS token, id, user_id, region, product_id, quantity,
                   (amount * 100)::bigint AS cents, status, metadata::text AS metadata,
                   extract(epoch FROM created_at)::bigint AS created, extract(epoch FROM updated_at)::bigint AS updated
            FROM orders WHERE metadata ->> 'source' = 'load'
            """
        ).map { row in
            let key = OrderKey(userID: try row.get("user_id"), id: try row.get("id"))
            return LedgerCheck.FoundOrder(
                token: try row.optional("token") ?? "", id: key.id, userID: key.userID,
                region: try row.get("region"),
                productID: try row.get("product_id"), quantity: try row.get("quantity"),
                amountCents: try row.get("cents"),
                status: try row.get("status"), metadata: try row.get("metadata"), createdAt: try row.get("created"),
                updatedAt: try row.get("updated"), items: (items[key] ?? []).sorted { $0.id < $1.id })
        }
        let orphans = try cluster.coordinator.value(
            """
            SELECT count(*) FROM order_items i LEFT JOIN orders o ON o.user_id = i.user_id AND o.id = i.order_id
            WHERE o.id IS NULL
            """, as: Int.self)
        return LedgerCheck(operation: operation, writes: writes, found: found, orphanItems: orphans)
    }

    /// Deletes every order the writers wrote, and its items: the tables hold the baseline's rows again.
    public func removeLoadRows() throws {
        try cluster.coordinator.execute(
            """
            DELETE FROM order_items i USING orders o
            WHERE o.user_id = i.user_id AND o.id = i.order_id AND o.metadata ->> 'source' = 'load';
            DELETE FROM orders WHERE metadata ->> 'source' = 'load';
            """)
    }

    /// Whether `token` (`w2-17`) names an attempt some writer made.
    static func wasAttempted(_ token: String, attemptsByWriter: [Int]) -> Bool {
        let parts = token.dropFirst().split(separator: "-", omittingEmptySubsequences: false)
        guard token.hasPrefix("w"), parts.count == 2, let writer = Int(parts[0]), let attempt = Int(parts[1]),
            attemptsByWriter.indices.contains(writer - 1)
        else { return false }
        return attempt >= 1 && attempt <= attemptsByWriter[writer - 1]
    }
}
