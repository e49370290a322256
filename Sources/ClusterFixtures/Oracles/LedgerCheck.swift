/// What concurrent writers had acknowledged during one operation, checked against the database
/// afterwards: each acknowledged order must be there exactly once with every acknowledged value of
/// its row and of its items' rows, and no order may be there that no writer attempted.
public struct LedgerCheck: Sendable, CustomStringConvertible {
    /// An order row the writers' token marks, as found in the database.
    public struct FoundOrder: Sendable, Equatable {
        public var token: String
        public var id: Int, userID: Int, region: String, productID: Int, quantity: Int, amountCents: Int
        public var status: String, metadata: String, createdAt: Int, updatedAt: Int
        /// Its items, by id.
        public var items: [FoundItem]

        public init(
            token: String, id: Int, userID: Int, region: String, productID: Int, quantity: Int, amountCents: Int,
            status: String, metadata: String, createdAt: Int, updatedAt: Int, items: [FoundItem]
        ) {
            self.token = token
            self.id = id
            self.userID = userID
            self.region = region
            self.productID = productID
            self.quantity = quantity
            self.amountCents = amountCents
            self.status = status
            self.metadata = metadata
            self.createdAt = createdAt
            self.updatedAt = updatedAt
            self.items = items
        }

        /// The row exactly as the writer acknowledged it (what a test plants faults into).
        public init(_ order: AcknowledgedOrder) {
            self.init(
                token: order.token, id: order.id, userID: order.userID, region: order.region,
                productID: order.productID,
                quantity: order.quantity, amountCents: order.amountCents, status: order.status,
                metadata: order.metadata,
                createdAt: order.createdAt, updatedAt: order.updatedAt,
                items: order.items.map {
                    FoundItem(
                        id: $0.id, userID: order.userID, productName: $0.productName,
                        quantity: $0.quantity, unitPriceCents: $0.unitPriceCents)
                })
        }
    }

    /// An item row of such an order.
    public struct FoundItem: Sendable, Equatable {
        public var id: Int, userID: Int, productName: String, quantity: Int, unitPriceCents: Int
        public init(id: Int, userID: Int, productName: String, quantity: Int, unitPriceCents: Int) {
            self.id = id
            self.userID = userID
            self.productName = productName
            self.quantity = quantity
            self.unitPriceCents = unitPriceCents
        }
    }

    public var operation: String
    public var seconds: Double
    /// New orders the database acknowledged (their COMMIT returned success).
    public var acknowledged: Int
    /// Status updates the database acknowledged.
    public var updates: Int
    /// Tokens of acknowledged orders that are not there.
    public var lost: [String]
    /// Tokens found more than once.
    public var duplicated: [String]
    /// Acknowledged orders found with other values, with what differs.
    public var changed: [String]
    /// Rows whose token no writer attempted: written by nobody.
    public var unknown: [String]
    /// Order ids (and item ids) the database gave to more than one of the writers' orders, with the
    /// tokens that share each (`id 23098: w2-133, w2-135`, `item id 5012: w1-1, w1-4`). The tables'
    /// key is (user_id, id), so the rows can all be there; an application that takes an id as a
    /// row's name cannot tell them apart.
    public var reusedIDs: [String]
    /// Items whose order does not exist.
    public var orphanItems: Int
    /// Transactions whose outcome the writer could not know (the connection broke mid-way).
    public var inDoubt: Int
    /// Attempted but unacknowledged orders that did land: allowed, and shown.
    public var inDoubtLanded: Int
    public var errorsBySQLState: [String: Int]
    /// The first message seen for each SQLSTATE.
    public var errorExamples: [String: String] = [:]
    /// The longest time without an acknowledged write, in seconds (reported, never judged).
    public var longestWriteGap: Double = 0
    /// Shard groups the operation moved or split, and how many of them the acknowledged writes hit
    /// (set by the operation that knows what moved).
    public var movedShardGroups = 0
    public var coveredShardGroups = 0
    /// Transactions the writers had committed when the operation began, and committed after it
    /// ended (set by the caller that ran it under writers, `whileWriting`).
    public var committedBeforeOperation = 0
    public var committedAfterOperation = 0

    /// Nothing lost, duplicated, changed or invented, and no order id given twice.
    public var holds: Bool { rowsHold && reusedIDs.isEmpty }

    /// Every acknowledged row as it was written and nothing invented, whatever the ids: what still
    /// holds after a coordinator crash made its id sequence hand out ids again
    /// (docs/citus-issues.md, "A coordinator crash can hand out acknowledged order ids again").
    public var rowsHold: Bool {
        lost.isEmpty && duplicated.isEmpty && changed.isEmpty && unknown.isEmpty && orphanItems == 0
    }

    /// Compares the acknowledged orders of `writes` with the rows `found` (every order that carries
    /// a writer's token): lost, duplicated, changed (column by column, items included), written by
    /// nobody; `orphanItems` is counted by the caller over the whole table.
    public init(operation: String, writes: LoadReport, found: [FoundOrder], orphanItems: Int) {
        self.operation = operation
        seconds = writes.seconds
        acknowledged = writes.committed
        updates = writes.updates
        lost = []
        duplicated = []
        changed = []
        unknown = []
        reusedIDs = []
        self.orphanItems = orphanItems
        inDoubt = writes.inDoubt
        inDoubtLanded = 0
        errorsBySQLState = writes.errorsBySQLState
        errorExamples = writes.errorExamples
        longestWriteGap = writes.longestWriteGap
        let byToken = Dictionary(grouping: found, by: \.token)
        var acknowledgedTokens: Set<String> = []
        for order in writes.acknowledged {
            acknowledgedTokens.insert(order.token)
            let rows = byToken[order.token] ?? []
            guard let row = rows.first else {
                lost.append(order.token)
                continue
            }
            if rows.count > 1 { duplicated.append(order.token) }
            let differences = Self.differences(row, order)
            if !differences.isEmpty { changed.append("\(order.token): " + differences.joined(separator: ", ")) }
        }
        for (token, rows) in byToken where !acknowledgedTokens.contains(token) {
            if Lifecycle.wasAttempted(token, attemptsByWriter: writes.attemptsByWriter) {
                inDoubtLanded += rows.count
                if rows.count > 1 { duplicated.append(token) }
            } else {
                unknown.append(token.isEmpty ? "(no token)" : token)
            }
        }
        for (id, rows) in Dictionary(grouping: found, by: \.id) {
            let tokens = Set(rows.map(\.token)).sorted()
            if tokens.count > 1 { reusedIDs.append("id \(id): " + tokens.joined(separator: ", ")) }
        }
        // The items' sequence can go back the same way.
        var itemOwners: [Int: Set<String>] = [:]
        for order in found {
            for item in order.items { itemOwners[item.id, default: []].insert(order.token) }
        }
        for (id, tokens) in itemOwners where tokens.count > 1 {
            reusedIDs.append("item id \(id): " + tokens.sorted().joined(separator: ", "))
        }
        lost.sort()
        duplicated.sort()
        reusedIDs.sort()
        changed.sort()
        unknown.sort()
    }

    /// Every column where `row` differs from what was acknowledged, as `name found ≠ acknowledged`.
    static func differences(_ row: FoundOrder, _ order: AcknowledgedOrder) -> [String] {
        var differences: [String] = []
        func compare<V: Equatable>(_ name: String, _ actual: V, _ expected: V) {
            if actual != expected { differences.append("\(name) \(actual) ≠ \(expected)") }
        }
        compare("id", row.id, order.id)
        compare("user_id", row.userID, order.userID)
        compare("region", row.region, order.region)
        compare("product_id", row.productID, order.productID)
        compare("quantity", row.quantity, order.quantity)
        compare("amount (cents)", row.amountCents, order.amountCents)
        compare("metadata", row.metadata, order.metadata)
        compare("created_at", row.createdAt, order.createdAt)
        // An update whose outcome is unknown may have landed: its status and updated_at together.
        let maybe = order.maybeStatus.map { row.status == $0 && row.updatedAt == order.maybeUpdatedAt } ?? false
        if !maybe {
            compare("status", row.status, order.status)
            compare("updated_at", row.updatedAt, order.updatedAt)
        }
        let expectedItems = order.items.map {
            FoundItem(
                id: $0.id, userID: order.userID, productName: $0.productName, quantity: $0.quantity,
                unitPriceCents: $0.unitPriceCents)
        }.sorted { $0.id < $1.id }
        if row.items != expectedItems {
            differences.append(
                "items \(row.items.map { "\($0.id):\($0.productName)×\($0.quantity)@\($0.unitPriceCents)" }) ≠ "
                    + "\(expectedItems.map { "\($0.id):\($0.productName)×\($0.quantity)@\($0.unitPriceCents)" })")
        }
        return differences
    }

    /// The availability evidence line the sign-off's table is read from (`ReportIndex.availability`):
    /// coverage of moved shard groups, the longest write stall, the outcomes in doubt, errors.
    public var availabilityLine: String {
        "\(operation): writes hit \(coveredShardGroups) of \(movedShardGroups) shard groups moved; longest write gap "
            + String(format: "%.2f", longestWriteGap) + " s; in doubt \(inDoubt); errors by SQLSTATE: "
            + LoadReport.describe(errors: errorsBySQLState, examples: errorExamples)
    }

    public var description: String {
        let errors = LoadReport.describe(errors: errorsBySQLState, examples: errorExamples)
        return
            "\(operation): \(acknowledged) orders and \(updates) updates acknowledged in "
            + "\(String(format: "%.1f", seconds)) s; "
            + "lost \(lost.count), duplicated \(duplicated.count), changed \(changed.count), "
            + "written by nobody \(unknown.count), ids given twice \(reusedIDs.count), "
            + "orphan items \(orphanItems); longest write gap \(String(format: "%.2f", longestWriteGap)) s"
            + (movedShardGroups > 0
                ? "; writes hit \(coveredShardGroups) of \(movedShardGroups) shard groups moved" : "")
            + "; in doubt \(inDoubt) (\(inDoubtLanded) landed); errors by SQLSTATE: \(errors)"
            + (holds
                ? ""
                : """
                \n  lost: \(lost.prefix(10)) duplicated: \(duplicated.prefix(10)) changed: \(changed.prefix(10)) \
                unknown: \(unknown.prefix(10)) ids given twice: \(reusedIDs.prefix(10))
                """)
    }
}
