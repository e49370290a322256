import Foundation

/// An operation run while writers insert and update orders, with what the writers had
/// acknowledged: the operation's own outcome is kept, success or failure, so a test can check the
/// writes after an operation that was meant to fail.
public struct WritesDuring<T: Sendable>: Sendable {
    public var outcome: Result<T, Error>
    public var writes: LoadReport

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

extension Cluster {
    /// Runs `operation` while writers are active the whole time: they start first and have written
    /// before it begins, and stop only after it has ended.
    public func withWriters<T: Sendable>(_ options: LoadGenerator.Options, warmUp: Double = 0.5, coolDown: Double = 0.5,
                                         operation: () throws -> T) throws -> WritesDuring<T> {
        let generator = LoadGenerator(cluster: self, options: options)
        let finished = DispatchSemaphore(value: 0)
        let box = ReportBox()
        let thread = Thread {
            box.set(Result { try generator.run(progressInterval: 0.1) })
            finished.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        Thread.sleep(forTimeInterval: warmUp)
        let outcome = Result { try operation() }
        Thread.sleep(forTimeInterval: coolDown)
        generator.stop()
        finished.wait()
        return WritesDuring(outcome: outcome, writes: try box.get())
    }

    /// Checks every acknowledged write of `writes` against the database (see `LedgerCheck`).
    public func checkLedger(_ writes: LoadReport, operation: String) throws -> LedgerCheck {
        var found: [String: [Row]] = [:]
        for row in try sqlRows("""
            SELECT o.metadata ->> 'token' AS token, o.id, o.user_id, (o.amount * 100)::bigint AS cents, o.status,
                   count(i.id) AS items, coalesce((sum(i.quantity * i.unit_price) * 100)::bigint, 0) AS item_cents
            FROM orders o LEFT JOIN order_items i ON i.user_id = o.user_id AND i.order_id = o.id
            WHERE o.metadata ->> 'source' = 'load'
            GROUP BY o.user_id, o.id, o.metadata ->> 'token', o.amount, o.status
            """) {
            found[try row.optional("token") ?? "", default: []].append(row)
        }
        var check = LedgerCheck(operation: operation, seconds: writes.seconds, acknowledged: writes.committed, updates: writes.updates,
                                lost: [], duplicated: [], changed: [], unknown: [], orphanItems: 0,
                                inDoubt: writes.inDoubt, inDoubtLanded: 0, errorsBySQLState: writes.errorsBySQLState,
                                errorExamples: writes.errorExamples)
        var acknowledgedTokens: Set<String> = []
        for order in writes.acknowledged {
            acknowledgedTokens.insert(order.token)
            let rows = found[order.token] ?? []
            guard let row = rows.first else { check.lost.append(order.token); continue }
            if rows.count > 1 { check.duplicated.append(order.token) }
            var differences: [String] = []
            func compare<V: Equatable>(_ name: String, _ actual: V, _ expected: V) {
                if actual != expected { differences.append("\(name) \(actual) ≠ \(expected)") }
            }
            compare("id", try row.get("id", as: Int.self), order.id)
            compare("user_id", try row.get("user_id", as: Int.self), order.userID)
            compare("amount (cents)", try row.get("cents", as: Int.self), order.amountCents)
            compare("items", try row.get("items", as: Int.self), order.items)
            compare("items' total (cents)", try row.get("item_cents", as: Int.self), order.amountCents)
            let status: String = try row.get("status")
            if status != order.status && status != order.maybeStatus {
                differences.append("status \(status) ≠ \(order.status)")
            }
            if !differences.isEmpty { check.changed.append("\(order.token): " + differences.joined(separator: ", ")) }
        }
        for (token, rows) in found where !acknowledgedTokens.contains(token) {
            if Self.wasAttempted(token, attemptsByWriter: writes.attemptsByWriter) {
                check.inDoubtLanded += rows.count
                if rows.count > 1 { check.duplicated.append(token) }
            } else {
                check.unknown.append(token.isEmpty ? "(no token)" : token)
            }
        }
        check.orphanItems = try sqlValue("""
            SELECT count(*) FROM order_items i LEFT JOIN orders o ON o.user_id = i.user_id AND o.id = i.order_id
            WHERE o.id IS NULL
            """)
        return check
    }

    /// Deletes every order the writers wrote, and its items: the tables hold the baseline's rows again.
    public func removeLoadRows() throws {
        try coordinator.execute("""
            DELETE FROM order_items i USING orders o
            WHERE o.user_id = i.user_id AND o.id = i.order_id AND o.metadata ->> 'source' = 'load';
            DELETE FROM orders WHERE metadata ->> 'source' = 'load';
            """)
    }

    /// Whether `token` (`w2-17`) names an attempt some writer made.
    static func wasAttempted(_ token: String, attemptsByWriter: [Int]) -> Bool {
        let parts = token.dropFirst().split(separator: "-", omittingEmptySubsequences: false)
        guard token.hasPrefix("w"), parts.count == 2, let writer = Int(parts[0]), let attempt = Int(parts[1]),
              attemptsByWriter.indices.contains(writer - 1) else { return false }
        return attempt >= 1 && attempt <= attemptsByWriter[writer - 1]
    }
}

private final class ReportBox: @unchecked Sendable {
    private var result: Result<LoadReport, Error>?
    private let lock = NSLock()
    func set(_ value: Result<LoadReport, Error>) { lock.withLock { result = value } }
    func get() throws -> LoadReport {
        guard let result = lock.withLock({ result }) else {
            throw DatabaseError(node: "coordinator", message: "the writers ended without a report")
        }
        return try result.get()
    }
}
