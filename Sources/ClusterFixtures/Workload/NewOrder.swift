/// An order the load generator writes: one row in `orders` and one to three in `order_items`,
/// shaped like the seed's (the amount is the sum over the items), for a tenant that exists.
public struct NewOrder: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var productName: String
        public var quantity: Int
        public var unitPriceCents: Int
    }

    public var userID: Int
    public var region: String
    public var productID: Int
    public var status: String
    public var items: [Item]
    /// Names the attempt that wrote the row (`w2-17`: writer 2's 17th order), kept in the order's
    /// metadata, so every row found afterwards can be traced to an attempt.
    public var token = ""

    public var quantity: Int { items.reduce(0) { $0 + $1.quantity } }
    public var amountCents: Int { items.reduce(0) { $0 + $1.quantity * $1.unitPriceCents } }

    /// A random order from `tenants`, with the seed's skew: 80% of orders from the first fifth.
    /// With a `hot` tenant, a `hotShare` of the orders go to it instead.
    public static func random(
        from tenants: [Tenant], hot: Tenant? = nil, hotShare: Double = 0,
        using rng: inout SeededGenerator
    ) -> NewOrder {
        let heavy = max(1, Int(Double(tenants.count) * SeedData.heavyUserShare))
        let pool = Double.random(in: 0..<1, using: &rng) < SeedData.heavyOrderShare ? 0..<heavy : 0..<tenants.count
        var tenant = tenants[Int.random(in: pool, using: &rng)]
        if let hot, Double.random(in: 0..<1, using: &rng) < hotShare { tenant = hot }
        let items = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
            Item(
                productName: "Product \(Int.random(in: 1...500, using: &rng))",
                quantity: Int.random(in: 1...5, using: &rng),
                unitPriceCents: Int.random(in: 100...20_000, using: &rng))
        }
        return NewOrder(
            userID: tenant.id, region: tenant.region, productID: Int.random(in: 1...500, using: &rng),
            status: "pending", items: items)
    }

    /// Sets an order's status (`$3`) and updated_at (`$4`, seconds since the epoch) by its key (`$1`
    /// user_id, `$2` id); "UPDATE 1" when the row was there.
    public static let statusUpdate =
        "UPDATE orders SET status = $3, updated_at = to_timestamp($4) WHERE user_id = $1 AND id = $2"

    /// A user who can place orders: its id and the region its orders are booked in.
    public struct Tenant: Sendable, Equatable {
        public var id: Int
        public var region: String
        public init(id: Int, region: String) {
            self.id = id
            self.region = region
        }
    }
}

extension Cluster {
    /// Every user, in id order: the tenants new orders are written for.
    public func tenants() throws -> [NewOrder.Tenant] {
        try coordinator.rows("SELECT id, region_code FROM users ORDER BY id").map {
            NewOrder.Tenant(id: try $0.get("id"), region: try $0.get("region_code"))
        }
    }
}

extension Connection {
    /// Writes `order` and its items in one transaction; returns the order's id once committed.
    /// On an error the transaction is rolled back (when the connection still allows it) and the
    /// error rethrown: an order whose COMMIT did not answer is not acknowledged.
    /// `at` is the order's created_at and updated_at, in whole seconds since the epoch; returns the
    /// order's id and its items' ids, in the order of `order.items`.
    public func insert(_ order: NewOrder, at time: Int) throws -> (id: Int, itemIDs: [Int]) {
        do {
            // BEGIN and the order's INSERT in one round trip (a pipeline), the INSERTs prepared once
            // per connection: the server parses each once, not on every order (docs/performance.md).
            let id: Int = try pipeline([
                PipelinedStatement("BEGIN"),
                PipelinedStatement(
                    """
                    INSERT INTO orders (user_id, region, product_id, quantity, amount, status, metadata,
                                        created_at, updated_at)
                    VALUES ($1, $2, $3, $4, $5::numeric / 100, $6,
                            jsonb_build_object('source', 'load', 'token', $7::text), to_timestamp($8), to_timestamp($8))
                    RETURNING id
                    """,
                    [
                        order.userID, order.region, order.productID, order.quantity, order.amountCents, order.status,
                        order.token, time,
                    ], prepared: true),
            ])[1].single().get("id")
            // One row of VALUES per item: every row has the order's user_id, so Citus routes the
            // INSERT to one shard, RETURNING included (an INSERT … SELECT FROM unnest(…) with
            // RETURNING goes through the coordinator and halved the writers' rate, docs/performance.md).
            // RETURNING's order is not promised: each returned id is matched to the item by its values.
            let rows = order.items.indices.map {
                "($1, $2, $\(3 * $0 + 3), $\(3 * $0 + 4)::int, $\(3 * $0 + 5)::numeric / 100)"
            }
            var returned =
                try rows.isEmpty
                ? []
                : queryPrepared(
                    """
                    INSERT INTO order_items (user_id, order_id, product_name, quantity, unit_price)
                    VALUES \(rows.joined(separator: ", "))
                    RETURNING id, product_name, quantity, (unit_price * 100)::int AS cents
                    """,
                    [order.userID, id]
                        + order.items.flatMap {
                            [$0.productName, $0.quantity, $0.unitPriceCents] as [any SQLParameter]
                        }
                ).rows
            let itemIDs: [Int] = try order.items.map { item in
                guard
                    let index = try returned.firstIndex(where: {
                        try $0.get("product_name") == item.productName && $0.get("quantity") == item.quantity
                            && $0.get("cents") == item.unitPriceCents
                    })
                else { throw DatabaseError(node: node, message: "INSERT INTO order_items returned no row for \(item)") }
                return try returned.remove(at: index).get("id")
            }
            try execute("COMMIT")
            return (id, itemIDs)
        } catch {
            if isOpen { _ = try? execute("ROLLBACK") }
            throw error
        }
    }
}
