/// What the baseline queries must return, computed from the generated rows, not from the database.
extension SeedData {
    public var totalAmountCents: Int { orders.reduce(0) { $0 + $1.amountCents } }

    public var orderCountByUser: [Int: Int] {
        orders.reduce(into: [:]) { $0[$1.userID, default: 0] += 1 }
    }

    public var orderCountByRegion: [String: Int] {
        orders.reduce(into: [:]) { $0[$1.region, default: 0] += 1 }
    }

    /// The tenant with the most orders (lowest id on a tie): the one Phase 3 isolates.
    public var heaviestUser: (id: Int, orders: Int) {
        let best = orderCountByUser.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }!
        return (best.key, best.value)
    }

    /// The share of all orders placed by the busiest 20% of users: the skew the checklist asks for.
    public var shareOfOrdersFromTopFifthOfUsers: Double {
        // The index once: `orderCountByUser` is computed, and asked per user it made this
        // O(users × orders) (98 s of Phase 1 at scale 10).
        let byUser = orderCountByUser
        let counts = users.map { byUser[$0.id] ?? 0 }.sorted(by: >)
        let top = counts.prefix(Int((Double(users.count) * Self.heavyUserShare).rounded()))
        return Double(top.reduce(0, +)) / Double(orders.count)
    }

    public func orders(ofUser id: Int) -> [Order] { orders.filter { $0.userID == id } }
}
