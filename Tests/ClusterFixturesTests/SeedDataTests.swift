import ClusterTesting
import Foundation
import Testing

@testable import ClusterFixtures

@Suite("Generated seed data")
struct SeedDataTests {

    @Test("The same seed gives the same rows; another seed gives other rows")
    func deterministic() {
        let a = SeedData(seed: 7)
        let b = SeedData(seed: 7)
        let c = SeedData(seed: 8)
        #expect(a.users == b.users && a.orders == b.orders && a.items == b.items)
        #expect(a.orders != c.orders)
    }

    @Test("Scale 1: 1,000 users, 10,000 orders over the given regions; 20% of users place 80% of the orders")
    func shape() {
        let data = SeedData(seed: 42)
        #expect(data.users.count == 1_000 && data.orders.count == 10_000)
        #expect(Set(data.orders.map(\.region)).isSubset(of: Set(SeedData.regions.map(\.code))))
        #expect(data.heavyUserIDs.count == 200)
        #expect(data.orders.filter { data.heavyUserIDs.contains($0.userID) }.count == 8_000)
        #expect(data.shareOfOrdersFromTopFifthOfUsers >= 0.8)
    }

    @Test("An order's quantity and amount are the sums over its items; ids are dense")
    func consistent() {
        let data = SeedData(seed: 42)
        var quantity: [Int: Int] = [:]
        var amount: [Int: Int] = [:]
        for item in data.items {
            quantity[item.orderID, default: 0] += item.quantity
            amount[item.orderID, default: 0] += item.quantity * item.unitPriceCents
        }
        #expect(data.orders.allSatisfy { quantity[$0.id] == $0.quantity && amount[$0.id] == $0.amountCents })
        #expect(data.orders.map(\.id) == Array(1...10_000))
        #expect(data.items.map(\.id) == Array(1...data.items.count))
        #expect(data.items.allSatisfy { data.orders[$0.orderID - 1].userID == $0.userID })
    }

    @Test(
        """
        The seed load cuts small loads into two slices per stream (of 1,000 rows at least) and large ones into slices \
        of at most 25,000
        """
    )
    func seedLoadSlices() {
        let load = ParallelSeedLoad(streams: 2)
        #expect(load.sliceCount(10_000) == 4, "scale 1's orders: both streams busy twice")
        #expect(load.sliceCount(1_000) == 1, "scale 1's users: one slice of the smallest size")
        #expect(load.sliceCount(999) == 1)
        #expect(load.sliceCount(2_500) == 2)
        #expect(load.sliceCount(1_000_000) == 40, "scale 100's orders: the largest slices")
    }

    @Test("The scale factor multiplies users and orders")
    func scaled() {
        let data = SeedData(seed: 1, scale: 3)
        #expect(data.users.count == 3_000 && data.orders.count == 30_000)
    }
}

@Suite("COPY text of the seed rows")
struct SeedCopyTextTests {
    @Test("Timestamps are UTC calendar dates, the same as Foundation's, across leap years and centuries")
    func timestamps() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'+00'"
        for seconds in [
            0, 59, 86_399, 86_400, 951_782_400, 951_868_799, 1_709_164_800, 4_107_542_399, 1_735_689_599, -1, -86_401,
        ] + (0..<500).map({ $0 * 7_919_993 }) {
            #expect(
                SeedData.timestamp(seconds)
                    == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))), "\(seconds)")
        }
    }

    @Test("Money is whole units and two digits of cents")
    func money() {
        #expect(SeedData.money(0) == "0.00")
        #expect(SeedData.money(5) == "0.05")
        #expect(SeedData.money(1234) == "12.34")
        #expect(SeedData.money(100_000) == "1000.00")
    }
}

@Suite("COPY text escaping")
struct CopyEscapingTests {
    @Test("Backslash, tab, newline and carriage return are escaped; other text is copied as it is")
    func escaping() {
        #expect(SeedData.copyLine(["a", "b c", "é"]) == "a\tb c\té\n")
        #expect(SeedData.copyLine(["x\\y", "t\tab", "new\nline", "cr\r"]) == "x\\\\y\tt\\tab\tnew\\nline\tcr\\r\n")
    }
}

@Suite("The seed's hash, as the SQL seed file computes it")
struct SeedHashTests {
    @Test("Heavy and light users split every id exactly once, a fifth heavy, for every residue of the seed")
    func heavyAndLightPartitionTheUsers() {
        for seed in 0..<5 {
            let users = SeedHash.HeavyUsers(seed: seed, users: 1_000)
            let heavy = (0..<200).map(users.heavy)
            let light = (0..<800).map(users.light)
            #expect(Set(heavy).count == 200 && Set(light).count == 800, "seed \(seed)")
            #expect(Set(heavy + light) == Set(1...1_000), "seed \(seed)")
            #expect(heavy.allSatisfy { $0 % 5 == seed % 5 }, "seed \(seed)")
        }
    }

    @Test("Values stay below 2^31, so every product in the SQL file fits a bigint; the seed is taken modulo 2^31 - 1")
    func bounded() {
        let seed = SeedHash.reduced(UInt64.max)
        #expect(seed == Int(UInt64.max % 2_147_483_647))
        for row in [1, 2, 10_000_000] {
            for stream in [1, 42] {
                #expect((0..<(1 << 31)).contains(SeedHash.value(seed, stream, row)))
            }
        }
        #expect(SeedHash.value(42, 1, 1) != SeedHash.value(42, 1, 2))
    }
}
