import Synchronization

/// What a labelled result of a demo query file must hold, computed from the generated rows.
public struct ExpectedResult: Sendable {
    /// `.crossShardQuery`
    public var file: SQLFile
    /// The statement's `-- result:` label.
    public var label: String
    /// The columns compared, by name; the result may have more.
    public var columns: [String]
    /// Each row's values in PostgreSQL's text form (connections run with TimeZone UTC), in order.
    public var rows: [[String]]
}

/// The demo query files' results, computed in Swift from the seed's rows: what every phase must
/// get from `sql/queries/20`–`25`, plain or distributed, never what an earlier run returned.
extension SeedData {
    /// Computed once per seed, scale and tenant and kept (every phase asks for the same): one pass
    /// over the orders and one over the items, with sums per status, region and user. Grouping
    /// the rows into dictionaries of arrays took seconds per call at scale 100.
    public func demoExpectations(tenant: Int) -> [ExpectedResult] {
        let key = DemoExpectationKey(seed: seed, scale: scale, tenant: tenant)
        if let kept = demoExpectationCache.withLock({ $0[key] }) { return kept }
        let made = computeDemoExpectations(tenant: tenant)
        demoExpectationCache.withLock { cache in
            if cache.count > 8 { cache.removeAll() }
            cache[key] = made
        }
        return made
    }

    private func computeDemoExpectations(tenant: Int) -> [ExpectedResult] {
        let money = Self.money
        let time = Self.timestamp
        struct Sums { var orders = 0, cents = 0, items = 0, itemCents = 0, largest = 0 }
        // Items per order, by order id (ids run 1...orders.count).
        var itemCount = [Int](repeating: 0, count: orders.count + 1)
        var itemCents = [Int](repeating: 0, count: orders.count + 1)
        var units = 0
        for item in items {
            itemCount[item.orderID] += 1
            itemCents[item.orderID] += item.quantity * item.unitPriceCents
            units += item.quantity
        }
        var byStatus: [String: Sums] = [:]
        var byRegion: [String: Sums] = [:]
        var byUser: [Int: Sums] = [:]
        var tenantOrders: [[String]] = []
        var first = Int.max
        var last = Int.min
        var totalCents = 0
        for order in orders {
            byStatus[order.status, default: Sums()].orders += 1
            byStatus[order.status]!.cents += order.amountCents
            byStatus[order.status]!.items += itemCount[order.id]
            byStatus[order.status]!.itemCents += itemCents[order.id]
            byRegion[order.region, default: Sums()].orders += 1
            byRegion[order.region]!.cents += order.amountCents
            byRegion[order.region]!.largest = max(byRegion[order.region]!.largest, order.amountCents)
            byUser[order.userID, default: Sums()].orders += 1
            byUser[order.userID]!.cents += order.amountCents
            first = min(first, order.createdAt)
            last = max(last, order.createdAt)
            totalCents += order.amountCents
            if order.userID == tenant {
                tenantOrders.append([
                    String(order.id), String(order.userID), order.region, String(order.productID),
                    String(order.quantity), money(order.amountCents), order.status, time(order.createdAt),
                ])
            }
        }
        let currency = Dictionary(uniqueKeysWithValues: Self.regions.map { ($0.code, $0.currency) })
        let statuses = byStatus.sorted { $0.key < $1.key }
        let regions = byRegion.sorted { $0.key < $1.key }
        let revenueByTenant = byUser.map { (user: $0.key, orders: $0.value.orders, cents: $0.value.cents) }
            .sorted { $0.cents != $1.cents ? $0.cents > $1.cents : $0.user < $1.user }

        return [
            ExpectedResult(
                file: DemoQuery.singleShard.file, label: "tenant_orders",
                columns: ["id", "user_id", "region", "product_id", "quantity", "amount", "status", "created_at"],
                rows: tenantOrders),
            ExpectedResult(
                file: DemoQuery.crossShard.file, label: "orders_by_status", columns: ["status", "orders", "revenue"],
                rows: statuses.map { [$0.key, String($0.value.orders), money($0.value.cents)] }),
            ExpectedResult(
                file: DemoQuery.crossShard.file, label: "order_totals",
                columns: ["orders", "customers", "revenue", "first_order", "last_order"],
                rows: [[String(orders.count), String(byUser.count), money(totalCents), time(first), time(last)]]),
            ExpectedResult(
                file: DemoQuery.join.file, label: "revenue_by_region",
                columns: ["code", "currency", "orders", "revenue"],
                rows: regions.map {
                    [$0.key, currency[$0.key] ?? "?", String($0.value.orders), money($0.value.cents)]
                }),
            ExpectedResult(
                file: DemoQuery.join.file, label: "items_by_status",
                columns: ["status", "orders", "items", "item_total"],
                rows: statuses.map {
                    [$0.key, String($0.value.orders), String($0.value.items), money($0.value.itemCents)]
                }),
            ExpectedResult(
                file: DemoQuery.join.file, label: "order_item_pairs", columns: ["pairs", "units"],
                rows: [[String(items.count), String(units)]]),
            ExpectedResult(
                file: DemoQuery.aggregate.file, label: "top_tenants_by_revenue",
                columns: ["user_id", "orders", "revenue"],
                rows: revenueByTenant.prefix(10).map { [String($0.user), String($0.orders), money($0.cents)] }),
            ExpectedResult(
                file: DemoQuery.aggregate.file, label: "orders_by_region",
                columns: ["region", "orders", "average_order", "largest_order"],
                rows: regions.map { region, sums in
                    // round(avg(amount), 2): half away from zero, on whole cents.
                    let average = (2 * sums.cents + sums.orders) / (2 * sums.orders)
                    return [region, String(sums.orders), money(average), money(sums.largest)]
                }),
        ]
    }
}

private struct DemoExpectationKey: Hashable { var seed: UInt64, scale: Int, tenant: Int }
private let demoExpectationCache = Mutex<[DemoExpectationKey: [ExpectedResult]]>([:])

extension Cluster {
    /// Runs every demo query file (20, 21, 22, 25) for `tenant` and compares each labelled result
    /// with what the generated rows say it must be; returns one line per difference (none: all equal).
    public func demoQueryMismatches(expected data: SeedData, tenant: Int) throws -> [String] {
        let expectations = data.demoExpectations(tenant: tenant)
        // Each file on a fresh connection of its own (as under psql), all at once: at scale 100 the
        // files scan millions of rows, and one after another they left a core idle.
        let files = SQLFile.allCases.filter { file in expectations.contains { $0.file == file } }
        let runs = files.map { file in
            BlockingWork("demo \(file.rawValue)") { [self] () throws -> ScriptResults in
                let connection = try connect("coordinator (\(file.rawValue))")
                defer { connection.close() }
                return try run(file, variables: ["tenant_id": String(tenant)], on: connection)
            }
        }
        var mismatches: [String] = []
        // The plans 20 and 21 print: routed to the tenant's node, or one task per shard, or
        // PostgreSQL alone, as the catalog says the tables are now.
        let plans: [SQLFile: (label: String, expectation: PlanExpectation)] = [
            .singleShardQuery: ("tenant_plan", try expectedPlan(routedTo: tenant)),
            .crossShardQuery: ("status_plan", try expectedPlan(routedTo: nil)),
        ]
        for (file, work) in zip(files, runs) {
            let results = try work.value()
            if let plan = plans[file], let mismatch = try planMismatch(results, plan.label, plan.expectation) {
                mismatches.append(mismatch)
            }
            for expected in expectations where expected.file == file {
                let result = try results.named(expected.label)
                let rows = try result.rows.map { row in
                    try expected.columns.map { try row.optional($0, as: String.self) ?? "NULL" }
                }
                if let wrong = Self.rowsMismatch(rows, expected: expected.rows) {
                    mismatches.append("\(results.location(of: expected.label)) (\(expected.label)): \(wrong)")
                }
            }
        }
        return mismatches
    }

    /// A result's rows against the expected rows, in order: nil when they agree, else both counts
    /// and the first row that differs (1-based), as it is and as expected.
    static func rowsMismatch(_ rows: [[String]], expected: [[String]]) -> String? {
        guard rows != expected else { return nil }
        let first = zip(rows, expected).enumerated().first { $0.element.0 != $0.element.1 }
        return "\(rows.count) rows, expected \(expected.count)"
            + (first.map { "; row \($0.offset + 1) is \($0.element.0), expected \($0.element.1)" } ?? "")
    }
}
