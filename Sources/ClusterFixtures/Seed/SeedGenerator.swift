/// The seed's rows one at a time, by id: a user, an order with its items. Every value is a pure
/// function of the seed and the row's id, and the first item id of an order is the number of
/// items before it, so any range of orders can be generated on its own (parallel COPY streams,
/// checksums in slices) without the whole data set in memory (scale 1000: 10 million orders).
/// `SeedData` is these rows collected into arrays.
public struct SeedGenerator: Sendable {
    public let seed: UInt64
    public let scale: Int
    public let userCount: Int
    public let orderCount: Int
    let reducedSeed: Int
    let regionCodes: [String]
    let heavy: SeedHash.HeavyUsers
    /// The first 80% of the orders go to heavy users.
    let heavyOrders: Int

    static let start = 1_735_689_600  // 2025-01-01 00:00:00 UTC
    static let year = 365 * 86_400

    public init(seed: UInt64 = 42, scale: Int = 1) {
        precondition(scale >= 1, "scale must be at least 1")
        self.seed = seed
        self.scale = scale
        reducedSeed = SeedHash.reduced(seed)
        regionCodes = SeedData.regions.map(\.code).sorted()
        userCount = SeedData.usersPerScale * scale
        orderCount = SeedData.ordersPerScale * scale
        heavy = SeedHash.HeavyUsers(seed: reducedSeed, users: userCount)
        heavyOrders = orderCount / 5 * 4
    }

    @inline(__always) func random(_ stream: Int, _ row: Int, _ range: Int) -> Int {
        SeedHash.value(reducedSeed, stream, row) % range
    }

    public var heavyUserIDs: Set<Int> { Set((0..<heavy.heavyCount).map(heavy.heavy)) }

    /// User `id` (1 ... userCount).
    public func user(_ id: Int) -> SeedData.User {
        let tierRoll = random(40, id, 100)
        return SeedData.User(
            id: id, email: "user\(id)@example.com", name: "User \(id)",
            regionCode: regionCodes[random(41, id, regionCodes.count)],
            tier: tierRoll < 70 ? "free" : tierRoll < 95 ? "pro" : "enterprise",
            createdAt: Self.start - random(42, id, Self.year))
    }

    /// How many items order `id` has (1 to 3).
    public func itemCount(ofOrder id: Int) -> Int { 1 + random(3, id, 3) }

    /// The id of order `id`'s first item: one more than the items of every order before it.
    public func firstItemID(ofOrder id: Int) -> Int {
        var before = 0
        for earlier in 1..<max(id, 1) { before += itemCount(ofOrder: earlier) }
        return before + 1
    }

    /// The first item id of each of `slices` (consecutive ranges of orders from order 1), from one
    /// pass over the item counts; and the number of items in all of them.
    public func firstItemIDs(of slices: [ClosedRange<Int>]) -> (firstItemIDs: [Int], items: Int) {
        var firsts: [Int] = []
        var next = 1
        for slice in slices {
            firsts.append(next)
            for id in slice { next += itemCount(ofOrder: id) }
        }
        return (firsts, next - 1)
    }

    /// Orders `range` with their items, in id order, handed to `body` one order at a time;
    /// `firstItemID` (the range's first order's first item) when known, else counted.
    public func forEachOrder(
        in range: ClosedRange<Int>, firstItemID known: Int? = nil,
        _ body: (SeedData.Order, [SeedData.Item]) -> Void
    ) {
        var itemID = (known ?? firstItemID(ofOrder: range.lowerBound)) - 1
        var items: [SeedData.Item] = []
        items.reserveCapacity(3)
        for id in range {
            let userID =
                id <= heavyOrders
                ? heavy.heavy(random(1, id, heavy.heavyCount))
                : heavy.light(random(1, id, userCount - heavy.heavyCount))
            let region = regionCodes[random(41, userID, regionCodes.count)]
            let created = Self.start + random(2, id, Self.year)
            var quantity = 0
            var amount = 0
            items.removeAll(keepingCapacity: true)
            for j in 1...itemCount(ofOrder: id) {
                itemID += 1
                let item = SeedData.Item(
                    id: itemID, userID: userID, orderID: id,
                    productName: "Product \(1 + random(10 + j, id, 500))",
                    quantity: 1 + random(20 + j, id, 5),
                    unitPriceCents: 100 + random(30 + j, id, 19_901))
                quantity += item.quantity
                amount += item.quantity * item.unitPriceCents
                items.append(item)
            }
            body(
                SeedData.Order(
                    id: id, userID: userID, region: region,
                    productID: 1 + random(4, id, 500), quantity: quantity, amountCents: amount,
                    status: SeedData.statuses[random(5, id, SeedData.statuses.count)],
                    channel: ["web", "mobile", "store"][random(6, id, 3)],
                    priority: random(7, id, 10) == 0,
                    createdAt: created, updatedAt: created + random(8, id, 30 * 86_400)), items)
        }
    }

    /// `1...count` cut into `slices` consecutive ranges (fewer when there are fewer rows).
    public static func slices(of count: Int, into slices: Int) -> [ClosedRange<Int>] {
        let slices = max(1, min(slices, count))
        return (0..<slices).compactMap { slice in
            let lower = count * slice / slices + 1
            let upper = count * (slice + 1) / slices
            return lower <= upper ? lower...upper : nil
        }
    }
}
