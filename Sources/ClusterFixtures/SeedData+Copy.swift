import Foundation

/// The rows in COPY's text format, and the load itself.
extension SeedData {
    static func timestamp(_ seconds: Int) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d+00", parts.year!, parts.month!, parts.day!,
                      parts.hour!, parts.minute!, parts.second!)
    }

    static func money(_ cents: Int) -> String { String(format: "%d.%02d", cents / 100, cents % 100) }

    /// COPY text format: tab-separated, with backslash, tab and newline escaped.
    static func copyLine(_ fields: [String]) -> String {
        fields.map { field in
            field.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
                .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        }.joined(separator: "\t") + "\n"
    }

    var usersCopyData: String {
        users.map { Self.copyLine([String($0.id), $0.email, $0.name, $0.regionCode, $0.tier, Self.timestamp($0.createdAt)]) }.joined()
    }

    var ordersCopyData: String {
        orders.map {
            Self.copyLine([String($0.id), String($0.userID), $0.region, String($0.productID), String($0.quantity),
                           Self.money($0.amountCents), $0.status,
                           "{\"channel\": \"\($0.channel)\", \"priority\": \($0.priority)}",
                           Self.timestamp($0.createdAt), Self.timestamp($0.updatedAt)])
        }.joined()
    }

    var itemsCopyData: String {
        items.map {
            Self.copyLine([String($0.id), String($0.userID), String($0.orderID), $0.productName,
                           String($0.quantity), Self.money($0.unitPriceCents)])
        }.joined()
    }

    /// Bulk-loads users, orders and order_items with COPY in one transaction, then moves the id
    /// sequences past the loaded ids so later inserts do not collide.
    public func load(into connection: Connection) throws {
        try connection.execute("BEGIN")
        do {
            try connection.copyIn("COPY users (id, email, name, region_code, tier, created_at) FROM STDIN", data: usersCopyData)
            try connection.copyIn("COPY orders (id, user_id, region, product_id, quantity, amount, status, metadata, created_at, updated_at) FROM STDIN", data: ordersCopyData)
            try connection.copyIn("COPY order_items (id, user_id, order_id, product_name, quantity, unit_price) FROM STDIN", data: itemsCopyData)
            for table in ["users", "orders", "order_items"] {
                try connection.query("SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM \(SQLIdentifier.quote(table))))", [table])
            }
            try connection.execute("COMMIT")
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }
}
