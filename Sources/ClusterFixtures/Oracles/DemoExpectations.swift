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
    public func demoExpectations(tenant: Int) -> [ExpectedResult] {
        let money = Self.money, time = Self.timestamp
        func grouped<Key: Hashable & Comparable>(_ key: (Order) -> Key) -> [(Key, [Order])] {
            Dictionary(grouping: orders, by: key).sorted { $0.key < $1.key }
        }
        let itemsByOrder = Dictionary(grouping: items, by: \.orderID)
        let currency = Dictionary(uniqueKeysWithValues: Self.regions.map { ($0.code, $0.currency) })
        let cents = { (orders: [Order]) in orders.reduce(0) { $0 + $1.amountCents } }

        let tenantOrders = orders.filter { $0.userID == tenant }.sorted { $0.id < $1.id }.map {
            [String($0.id), String($0.userID), $0.region, String($0.productID), String($0.quantity), money($0.amountCents),
             $0.status, time($0.createdAt)]
        }
        let byStatus = grouped(\.status)
        let revenueByTenant = Dictionary(grouping: orders, by: \.userID)
            .map { (user: $0.key, orders: $0.value.count, cents: cents($0.value)) }
            .sorted { $0.cents != $1.cents ? $0.cents > $1.cents : $0.user < $1.user }

        return [
            ExpectedResult(file: DemoQuery.singleShard.file, label: "tenant_orders",
                           columns: ["id", "user_id", "region", "product_id", "quantity", "amount", "status", "created_at"],
                           rows: tenantOrders),
            ExpectedResult(file: DemoQuery.crossShard.file, label: "orders_by_status", columns: ["status", "orders", "revenue"],
                           rows: byStatus.map { [$0.0, String($0.1.count), money(cents($0.1))] }),
            ExpectedResult(file: DemoQuery.crossShard.file, label: "order_totals",
                           columns: ["orders", "customers", "revenue", "first_order", "last_order"],
                           rows: [[String(orders.count), String(Set(orders.map(\.userID)).count), money(totalAmountCents),
                                   time(orders.map(\.createdAt).min()!), time(orders.map(\.createdAt).max()!)]]),
            ExpectedResult(file: DemoQuery.join.file, label: "revenue_by_region", columns: ["code", "currency", "orders", "revenue"],
                           rows: grouped(\.region).map { [$0.0, currency[$0.0] ?? "?", String($0.1.count), money(cents($0.1))] }),
            ExpectedResult(file: DemoQuery.join.file, label: "items_by_status", columns: ["status", "orders", "items", "item_total"],
                           rows: byStatus.map { status, orders in
                               let items = orders.flatMap { itemsByOrder[$0.id] ?? [] }
                               return [status, String(orders.count), String(items.count),
                                       money(items.reduce(0) { $0 + $1.quantity * $1.unitPriceCents })]
                           }),
            ExpectedResult(file: DemoQuery.join.file, label: "order_item_pairs", columns: ["pairs", "units"],
                           rows: [[String(items.count), String(items.reduce(0) { $0 + $1.quantity })]]),
            ExpectedResult(file: DemoQuery.aggregate.file, label: "top_tenants_by_revenue", columns: ["user_id", "orders", "revenue"],
                           rows: revenueByTenant.prefix(10).map { [String($0.user), String($0.orders), money($0.cents)] }),
            ExpectedResult(file: DemoQuery.aggregate.file, label: "orders_by_region",
                           columns: ["region", "orders", "average_order", "largest_order"],
                           rows: grouped(\.region).map { region, orders in
                               // round(avg(amount), 2): half away from zero, on whole cents.
                               let average = (2 * cents(orders) + orders.count) / (2 * orders.count)
                               return [region, String(orders.count), money(average), money(orders.map(\.amountCents).max()!)]
                           }),
        ]
    }
}

extension Cluster {
    /// Runs every demo query file (20, 21, 22, 25) for `tenant` and compares each labelled result
    /// with what the generated rows say it must be; returns one line per difference (none: all equal).
    public func demoQueryMismatches(expected data: SeedData, tenant: Int) throws -> [String] {
        let expectations = data.demoExpectations(tenant: tenant)
        var mismatches: [String] = []
        for file in SQLFile.allCases where expectations.contains(where: { $0.file == file }) {
            let results = try run(file, variables: ["tenant_id": String(tenant)])
            for expected in expectations where expected.file == file {
                let result = try results.named(expected.label)
                let rows = try result.rows.map { row in try expected.columns.map { try row.optional($0, as: String.self) ?? "NULL" } }
                if rows != expected.rows {
                    let first = zip(rows, expected.rows).enumerated().first { $0.element.0 != $0.element.1 }
                    mismatches.append("\(results.location(of: expected.label)) (\(expected.label)): \(rows.count) rows, expected \(expected.rows.count)"
                        + (first.map { "; row \($0.offset + 1) is \($0.element.0), expected \($0.element.1)" } ?? ""))
                }
            }
        }
        return mismatches
    }
}
