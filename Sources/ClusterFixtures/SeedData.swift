import Foundation

/// The baseline rows, generated in Swift from a seed: the same seed and scale always give the same
/// rows, so what the database must contain can be computed here, independently of the database.
///
/// Shape (scale 1): 1,000 users and 10,000 orders spread over the given regions, with 20% of the
/// users ("heavy" users, picked by the seed) placing 80% of the orders; each order has one to
/// three items, and its quantity and amount are the sums over its items.
public struct SeedData: Sendable {
    public struct User: Sendable, Equatable {
        public var id: Int, email: String, name: String, regionCode: String, tier: String, createdAt: Int
    }
    public struct Order: Sendable, Equatable {
        public var id: Int, userID: Int, region: String, productID: Int, quantity: Int
        /// Whole cents, so sums are exact.
        public var amountCents: Int
        public var status: String, channel: String, priority: Bool
        /// Seconds since the Unix epoch (UTC).
        public var createdAt: Int, updatedAt: Int
    }
    public struct Item: Sendable, Equatable {
        public var id: Int, userID: Int, orderID: Int, productName: String, quantity: Int, unitPriceCents: Int
    }
    public struct Region: Sendable, Equatable {
        public var code: String, name: String, timezone: String, currency: String
    }

    /// The ten regions the checklist asks for: what `sql/setup/01_initial_seed_data.sql` must insert.
    /// Kept here, not read from the database, so that the file is judged against them.
    public static let regions: [Region] = [
        Region(code: "us-east", name: "US East", timezone: "America/New_York", currency: "USD"),
        Region(code: "us-west", name: "US West", timezone: "America/Los_Angeles", currency: "USD"),
        Region(code: "ca-central", name: "Canada Central", timezone: "America/Toronto", currency: "CAD"),
        Region(code: "br-south", name: "Brazil South", timezone: "America/Sao_Paulo", currency: "BRL"),
        Region(code: "eu-west", name: "Europe West", timezone: "Europe/Dublin", currency: "EUR"),
        Region(code: "eu-central", name: "Europe Central", timezone: "Europe/Berlin", currency: "EUR"),
        Region(code: "uk-south", name: "UK South", timezone: "Europe/London", currency: "GBP"),
        Region(code: "ap-south", name: "Asia Pacific South", timezone: "Asia/Mumbai", currency: "INR"),
        Region(code: "ap-east", name: "Asia Pacific East", timezone: "Asia/Tokyo", currency: "JPY"),
        Region(code: "au-east", name: "Australia East", timezone: "Australia/Sydney", currency: "AUD"),
    ]

    public static let usersPerScale = 1_000
    public static let ordersPerScale = 10_000
    public static let heavyUserShare = 0.2
    public static let heavyOrderShare = 0.8
    public static let statuses = ["pending", "paid", "shipped", "delivered", "cancelled"]

    public var seed: UInt64
    public var scale: Int
    public var users: [User] = []
    public var orders: [Order] = []
    public var items: [Item] = []
    public var heavyUserIDs: Set<Int> = []

    /// Every input comes from the arguments and the constants above, never from a database: the
    /// rows are the expectation the database is judged against.
    public init(seed: UInt64 = 42, scale: Int = 1) {
        precondition(scale >= 1, "scale must be at least 1")
        let regionCodes = Self.regions.map(\.code).sorted()
        self.seed = seed
        self.scale = scale
        var rng = SeededGenerator(seed: seed)
        let start = 1_735_689_600 // 2025-01-01 00:00:00 UTC
        let year = 365 * 86_400
        let userCount = Self.usersPerScale * scale
        let orderCount = Self.ordersPerScale * scale

        users = (1...userCount).map { id in
            let tierRoll = Int.random(in: 0..<100, using: &rng)
            return User(id: id, email: "user\(id)@example.com", name: "User \(id)",
                        regionCode: regionCodes[Int.random(in: 0..<regionCodes.count, using: &rng)],
                        tier: tierRoll < 70 ? "free" : tierRoll < 95 ? "pro" : "enterprise",
                        createdAt: start - Int.random(in: 0..<year, using: &rng))
        }
        let shuffled = Array(1...userCount).shuffled(using: &rng)
        let heavyCount = Int((Double(userCount) * Self.heavyUserShare).rounded())
        let heavy = Array(shuffled[..<heavyCount])
        let light = Array(shuffled[heavyCount...])
        heavyUserIDs = Set(heavy)
        let heavyOrders = Int((Double(orderCount) * Self.heavyOrderShare).rounded())

        var itemID = 0
        for id in 1...orderCount {
            let pool = id <= heavyOrders ? heavy : light
            let user = users[pool[Int.random(in: 0..<pool.count, using: &rng)] - 1]
            let created = start + Int.random(in: 0..<year, using: &rng)
            var quantity = 0
            var amount = 0
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                itemID += 1
                let item = Item(id: itemID, userID: user.id, orderID: id,
                                productName: "Product \(Int.random(in: 1...500, using: &rng))",
                                quantity: Int.random(in: 1...5, using: &rng),
                                unitPriceCents: Int.random(in: 100...20_000, using: &rng))
                quantity += item.quantity
                amount += item.quantity * item.unitPriceCents
                items.append(item)
            }
            orders.append(Order(id: id, userID: user.id, region: user.regionCode,
                                productID: Int.random(in: 1...500, using: &rng), quantity: quantity,
                                amountCents: amount,
                                status: Self.statuses[Int.random(in: 0..<Self.statuses.count, using: &rng)],
                                channel: ["web", "mobile", "store"][Int.random(in: 0..<3, using: &rng)],
                                priority: Int.random(in: 0..<10, using: &rng) == 0,
                                createdAt: created,
                                updatedAt: created + Int.random(in: 0..<(30 * 86_400), using: &rng)))
        }
    }
}
