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
    ///
    /// Every random choice is `SeedHash.value(seed, stream, row)`, a pure function of the seed, the
    /// choice (stream) and the row number, in integer arithmetic that `sql/setup/01_initial_seed_data.sql`
    /// computes exactly the same way: the SQL file and this generator make the same rows.
    /// Heavy users (exactly a fifth) are those whose id is congruent to the seed's residue mod 5;
    /// the first 80% of the orders go to them, the rest to the others.
    public init(seed: UInt64 = 42, scale: Int = 1) {
        precondition(scale >= 1, "scale must be at least 1")
        let regionCodes = Self.regions.map(\.code).sorted()
        self.seed = seed
        self.scale = scale
        let s = SeedHash.reduced(seed)
        func random(_ stream: Int, _ row: Int, _ range: Int) -> Int { SeedHash.value(s, stream, row) % range }
        let start = 1_735_689_600 // 2025-01-01 00:00:00 UTC
        let year = 365 * 86_400
        let userCount = Self.usersPerScale * scale
        let orderCount = Self.ordersPerScale * scale

        users = (1...userCount).map { id in
            let tierRoll = random(40, id, 100)
            return User(id: id, email: "user\(id)@example.com", name: "User \(id)",
                        regionCode: regionCodes[random(41, id, regionCodes.count)],
                        tier: tierRoll < 70 ? "free" : tierRoll < 95 ? "pro" : "enterprise",
                        createdAt: start - random(42, id, year))
        }
        let heavy = SeedHash.HeavyUsers(seed: s, users: userCount)
        heavyUserIDs = Set((0..<heavy.heavyCount).map(heavy.heavy))
        let heavyOrders = orderCount / 5 * 4

        var itemID = 0
        orders.reserveCapacity(orderCount)
        items.reserveCapacity(orderCount * 2)
        for id in 1...orderCount {
            let userID = id <= heavyOrders ? heavy.heavy(random(1, id, heavy.heavyCount))
                                           : heavy.light(random(1, id, userCount - heavy.heavyCount))
            let user = users[userID - 1]
            let created = start + random(2, id, year)
            var quantity = 0
            var amount = 0
            for j in 1...(1 + random(3, id, 3)) {
                itemID += 1
                let item = Item(id: itemID, userID: user.id, orderID: id,
                                productName: "Product \(1 + random(10 + j, id, 500))",
                                quantity: 1 + random(20 + j, id, 5),
                                unitPriceCents: 100 + random(30 + j, id, 19_901))
                quantity += item.quantity
                amount += item.quantity * item.unitPriceCents
                items.append(item)
            }
            orders.append(Order(id: id, userID: user.id, region: user.regionCode,
                                productID: 1 + random(4, id, 500), quantity: quantity, amountCents: amount,
                                status: Self.statuses[random(5, id, Self.statuses.count)],
                                channel: ["web", "mobile", "store"][random(6, id, 3)],
                                priority: random(7, id, 10) == 0,
                                createdAt: created, updatedAt: created + random(8, id, 30 * 86_400)))
        }
    }
}
