import ClusterTesting
import Testing

@testable import ClusterFixtures

/// The write ledger's comparison tested on itself, one fault class at a time, without a database:
/// rows exactly as acknowledged hold; each planted fault on its own breaks it and is reported in
/// its own class. A comparison that ignores a class, or a column, turns its case red.
@Suite("Write ledger: each fault class, and a change in each column, is caught on its own")
struct LedgerCheckFaultTests {
    static let orders: [AcknowledgedOrder] = (1...3).map { n in
        AcknowledgedOrder(
            id: 100 + n, userID: n, region: "eu-west", productID: 7, quantity: 3, amountCents: 1_500,
            token: "w1-\(n)", status: "pending", createdAt: 1_760_000_000, updatedAt: 1_760_000_000,
            items: [
                .init(id: 500 + 2 * n, productName: "Product 1", quantity: 1, unitPriceCents: 500),
                .init(id: 501 + 2 * n, productName: "Product 2", quantity: 2, unitPriceCents: 500),
            ])
    }
    static var writes: LoadReport {
        var report = LoadReport(
            seconds: 1, connections: 1, acknowledged: orders, errorsBySQLState: [:], inDoubt: 0,
            latency: LatencySummary(milliseconds: []))
        report.attemptsByWriter = [4]
        return report
    }
    static var exact: [LedgerCheck.FoundOrder] { orders.map(LedgerCheck.FoundOrder.init) }

    static func check(_ found: [LedgerCheck.FoundOrder], orphans: Int = 0) -> LedgerCheck {
        LedgerCheck(operation: "self-test", writes: writes, found: found, orphanItems: orphans)
    }

    @Test(
        """
        A writer's error is judged by the operation: XX000 allowed during a tenant isolation only, any other \
        SQLSTATE never
        """
    )
    func writerErrorsJudgedByOperation() {
        func check(_ operation: String, _ errors: [String: Int]) -> LedgerCheck {
            var writes = Self.writes
            writes.errorsBySQLState = errors
            return LedgerCheck(operation: operation, writes: writes, found: Self.exact, orphanItems: 0)
        }
        #expect(ExpectedWriterErrors.unexpected(in: check("tenant isolation", ["XX000": 3])).isEmpty)
        #expect(ExpectedWriterErrors.unexpected(in: check("rebalance", [:])).isEmpty)
        #expect(ExpectedWriterErrors.unexpected(in: check("rebalance", ["XX000": 1])).keys.sorted() == ["XX000"])
        #expect(
            ExpectedWriterErrors.unexpected(in: check("tenant isolation", ["XX000": 1, "08006": 2])).keys.sorted() == [
                "08006"
            ])
        #expect(ExpectedWriterErrors.unexpected(in: check("undistribute", ["40P01": 1])).keys.sorted() == ["40P01"])
    }

    @Test("Rows exactly as acknowledged hold")
    func exactRowsHold() {
        let check = Self.check(Self.exact)
        #expect(check.holds, "\(check)")
    }

    @Test(
        "The availability figures count each broken write once, whatever its class, and none for rows as acknowledged")
    func availabilityCountsViolations() {
        var changed = Self.exact
        changed[2].status = "paid"
        // Rows of their own: ids no other row has.
        var invented = Self.exact[0]
        invented.token = "w9-1"
        invented.id = 900
        for index in invented.items.indices { invented.items[index].id += 2_000 }
        var sharing = Self.orders
        sharing[1].id = sharing[0].id
        let cases: [(String, LedgerCheck)] = [
            ("lost", Self.check(Array(Self.exact.dropFirst()))),
            ("duplicated", Self.check(Self.exact + [Self.exact[1]])),
            ("written by nobody", Self.check(Self.exact + [invented])),
            ("orphan item", Self.check(Self.exact, orphans: 1)),
            ("changed", Self.check(changed)),
            (
                "id given twice",
                LedgerCheck(
                    operation: "self-test", writes: LoadReport(handWritten: sharing),
                    found: sharing.map(LedgerCheck.FoundOrder.init), orphanItems: 0)
            ),
        ]
        for (name, check) in cases {
            #expect(check.availability(outcome: "completed").violations == 1, "\(name): \(check)")
        }
        let exact = Self.check(Self.exact).availability(outcome: "completed", fault: "none planted")
        #expect(exact.violations == 0 && exact.acknowledged == 3 && exact.fault == "none planted")
    }

    @Test("A lost order is reported as lost")
    func lost() {
        let check = Self.check(Array(Self.exact.dropFirst()))
        #expect(check.lost == ["w1-1"] && !check.holds, "\(check)")
    }

    @Test("A duplicated order is reported as duplicated")
    func duplicated() {
        let check = Self.check(Self.exact + [Self.exact[1]])
        #expect(check.duplicated == ["w1-2"] && !check.holds, "\(check)")
    }

    @Test("Two orders, or two items, given one id are reported as an id given twice, while every row still holds")
    func idGivenTwice() {
        var orders = Self.orders
        orders[1].id = orders[0].id
        let check = LedgerCheck(
            operation: "self-test", writes: LoadReport(handWritten: orders),
            found: orders.map(LedgerCheck.FoundOrder.init), orphanItems: 0)
        #expect(check.reusedIDs == ["id 101: w1-1, w1-2"] && check.rowsHold && !check.holds, "\(check)")
        var items = Self.orders
        items[2].items[0].id = items[0].items[1].id
        let item = LedgerCheck(
            operation: "self-test", writes: LoadReport(handWritten: items),
            found: items.map(LedgerCheck.FoundOrder.init), orphanItems: 0)
        #expect(item.reusedIDs == ["item id 503: w1-1, w1-3"] && item.rowsHold && !item.holds, "\(item)")
    }

    @Test("An order written by nobody is reported as invented")
    func invented() {
        var other = Self.exact[0]
        other.token = "w9-1"
        let check = Self.check(Self.exact + [other])
        #expect(check.unknown == ["w9-1"] && !check.holds, "\(check)")
    }

    @Test(
        """
        An attempted write with no acknowledgement that landed once is in doubt, not broken; landed twice it is \
        duplicated
        """
    )
    func inDoubtLanded() {
        // Writer 1 attempted 4 writes (attemptsByWriter) and 3 were acknowledged: w1-4's outcome is unknown.
        var landed = Self.exact[0]
        landed.token = "w1-4"
        landed.id = 999
        for index in landed.items.indices { landed.items[index].id += 1_000 }
        let once = Self.check(Self.exact + [landed])
        #expect(once.holds && once.inDoubtLanded == 1 && once.duplicated.isEmpty, "\(once)")
        let twice = Self.check(Self.exact + [landed, landed])
        #expect(!twice.holds && twice.inDoubtLanded == 2 && twice.duplicated == ["w1-4"], "\(twice)")
    }

    @Test(
        "An update whose outcome is unknown may have landed whole (its status and updated_at together), never in part")
    func updateInDoubt() {
        var writes = Self.writes
        writes.acknowledged[0].maybeStatus = "paid"
        writes.acknowledged[0].maybeUpdatedAt = 1_760_000_100
        func check(status: String, updatedAt: Int) -> LedgerCheck {
            var found = Self.exact
            found[0].status = status
            found[0].updatedAt = updatedAt
            return LedgerCheck(operation: "self-test", writes: writes, found: found, orphanItems: 0)
        }
        #expect(check(status: "pending", updatedAt: 1_760_000_000).holds, "not landed: as acknowledged")
        #expect(check(status: "paid", updatedAt: 1_760_000_100).holds, "landed: the update's status and updated_at")
        let statusOnly = check(status: "paid", updatedAt: 1_760_000_000)
        #expect(
            !statusOnly.holds && statusOnly.changed.count == 1,
            "the update's status with the acknowledged updated_at: \(statusOnly)")
        let timeOnly = check(status: "pending", updatedAt: 1_760_000_100)
        #expect(
            !timeOnly.holds && timeOnly.changed.count == 1,
            "the acknowledged status with the update's updated_at: \(timeOnly)")
    }

    @Test("The ledger's line names the shard groups the writes hit only when shard groups moved")
    func coverageOnlyWhenMoved() {
        var check = Self.check(Self.exact)
        #expect(!check.description.contains("shard groups moved"), "\(check)")
        check.movedShardGroups = 2
        check.coveredShardGroups = 1
        #expect(check.description.contains("; writes hit 1 of 2 shard groups moved;"), "\(check)")
    }

    @Test("An orphan item breaks the ledger")
    func orphan() {
        let check = Self.check(Self.exact, orphans: 1)
        #expect(check.orphanItems == 1 && !check.holds, "\(check)")
    }

    @Test("A changed status is reported as changed")
    func statusChanged() {
        var found = Self.exact
        found[2].status = "paid"
        let check = Self.check(found)
        #expect(check.changed.count == 1 && check.changed[0].hasPrefix("w1-3: status paid") && !check.holds, "\(check)")
    }

    @Test(
        "A change in any one column of an order or of one of its items is reported",
        arguments: [
            "id", "user_id", "region", "product_id", "quantity", "amount", "metadata", "created_at", "updated_at",
            "item id", "item user_id", "item product_name", "item quantity", "item unit_price", "item lost",
            "item added",
        ])
    func columnChanged(_ column: String) {
        var row = Self.exact[0]
        switch column {
        case "id": row.id += 1
        case "user_id": row.userID += 1
        case "region": row.region = "us-east"
        case "product_id": row.productID += 1
        case "quantity": row.quantity += 1
        case "amount": row.amountCents += 1
        case "metadata": row.metadata = "{\"token\": \"w1-1\", \"source\": \"other\"}"
        case "created_at": row.createdAt += 1
        case "updated_at": row.updatedAt += 1
        case "item id": row.items[0].id += 100
        case "item user_id": row.items[0].userID += 1
        case "item product_name": row.items[0].productName = "Product 9"
        case "item quantity": row.items[0].quantity += 1
        case "item unit_price": row.items[0].unitPriceCents += 1
        case "item lost": row.items.removeLast()
        default: row.items.append(row.items[0])
        }
        let check = Self.check([row] + Self.exact.dropFirst())
        #expect(check.changed.count == 1 && check.changed[0].hasPrefix("w1-1: ") && !check.holds, "\(column): \(check)")
    }
}
