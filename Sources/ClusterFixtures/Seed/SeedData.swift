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
        let generator = SeedGenerator(seed: seed, scale: scale)
        self.seed = seed
        self.scale = scale
        users = (1...generator.userCount).map(generator.user)
        heavyUserIDs = generator.heavyUserIDs
        orders.reserveCapacity(generator.orderCount)
        items.reserveCapacity(generator.orderCount * 2)
        generator.forEachOrder(in: 1...generator.orderCount) { order, itemsOfOrder in
            orders.append(order)
            items.append(contentsOf: itemsOfOrder)
        }
    }
}
