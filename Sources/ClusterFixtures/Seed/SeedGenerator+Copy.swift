import Foundation
import Synchronization

/// The generator's rows as COPY text and as checksums, a range of ids at a time.
extension SeedGenerator {
    public static let userColumns = "id, email, name, region_code, tier, created_at"
    public static let orderColumns =
        "id, user_id, region, product_id, quantity, amount, status, metadata, created_at, updated_at"
    public static let itemColumns = "id, user_id, order_id, product_name, quantity, unit_price"

    /// Users `range` in COPY's text format (`userColumns`).
    public func usersCopyText(_ range: ClosedRange<Int>) -> String {
        var text = ""
        text.reserveCapacity(range.count * 96)
        for id in range { SeedData.appendCopyLine(Self.fields(of: user(id)), to: &text) }
        return text
    }

    /// Orders `range` and their items in COPY's text format (`orderColumns`, `itemColumns`);
    /// `firstItemID` when the caller knows it already (else counted from order 1).
    public func ordersCopyText(_ range: ClosedRange<Int>, firstItemID: Int? = nil) -> (orders: String, items: String) {
        var orders = ""
        var items = ""
        orders.reserveCapacity(range.count * 160)
        items.reserveCapacity(range.count * 2 * 64)
        forEachOrder(in: range, firstItemID: firstItemID) { order, itemsOfOrder in
            SeedData.appendCopyLine(Self.fields(of: order), to: &orders)
            for item in itemsOfOrder { SeedData.appendCopyLine(Self.fields(of: item), to: &items) }
        }
        return (orders, items)
    }

    static func fields(of user: SeedData.User) -> [String] {
        [String(user.id), user.email, user.name, user.regionCode, user.tier, SeedData.timestamp(user.createdAt)]
    }

    static func fields(of order: SeedData.Order) -> [String] {
        [
            String(order.id), String(order.userID), order.region, String(order.productID), String(order.quantity),
            SeedData.money(order.amountCents), order.status, SeedData.metadata(order),
            SeedData.timestamp(order.createdAt), SeedData.timestamp(order.updatedAt),
        ]
    }

    static func fields(of item: SeedData.Item) -> [String] {
        [
            String(item.id), String(item.userID), String(item.orderID), item.productName, String(item.quantity),
            SeedData.money(item.unitPriceCents),
        ]
    }

    /// The checksums every table must have (`Cluster.tables` order), computed from rows generated
    /// a slice at a time on every core and never held together: what the scale benchmark compares
    /// the database with at scale 1000. Equal to `SeedData.expectedChecksums` (a unit test).
    public func expectedChecksums() -> [TableChecksum] {
        let slices = ProcessInfo.processInfo.activeProcessorCount * 4
        let users = Mutex(DigestSum())
        let orders = Mutex(DigestSum())
        let items = Mutex(DigestSum())
        let itemRows = Mutex(0)
        let userSlices = Self.slices(of: userCount, into: slices)
        let orderSlices = Self.slices(of: orderCount, into: slices)
        let firstItems = firstItemIDs(of: orderSlices).firstItemIDs
        DispatchQueue.concurrentPerform(iterations: userSlices.count + orderSlices.count) { index in
            if index < userSlices.count {
                var digest = DigestSum()
                for id in userSlices[index] {
                    let u = user(id)
                    digest.add(
                        [String(u.id), u.email, u.name, u.regionCode, u.tier, String(u.createdAt)].joined(
                            separator: "|"))
                }
                users.withLock { $0.merge(digest) }
                return
            }
            var orderDigest = DigestSum()
            var itemDigest = DigestSum()
            var count = 0
            forEachOrder(in: orderSlices[index - userSlices.count], firstItemID: firstItems[index - userSlices.count]) {
                o, itemsOfOrder in
                orderDigest.add(SeedData.checksumFields(of: o).joined(separator: "|"))
                for t in itemsOfOrder { itemDigest.add(SeedData.checksumFields(of: t).joined(separator: "|")) }
                count += itemsOfOrder.count
            }
            orders.withLock { $0.merge(orderDigest) }
            items.withLock { $0.merge(itemDigest) }
            itemRows.withLock { $0 += count }
        }
        return [
            SeedData.checksum("regions", SeedData.regions.lazy.map { [$0.code, $0.name, $0.timezone, $0.currency] }),
            TableChecksum(table: "users", rowCount: userCount, digest: users.withLock { $0.text }),
            TableChecksum(table: "orders", rowCount: orderCount, digest: orders.withLock { $0.text }),
            TableChecksum(table: "order_items", rowCount: itemRows.withLock { $0 }, digest: items.withLock { $0.text }),
        ]
    }
}
