import Foundation

/// The rows in COPY's text format, and the load itself.
extension SeedData {
    /// `2025-03-01 12:34:56+00` for seconds since the epoch (UTC). Computed by arithmetic on the
    /// civil calendar (days to year/month/day), since a Calendar lookup per row made the seed's
    /// text several times slower to build than COPY takes to load it.
    static func timestamp(_ seconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Days since 1970-01-01 to a proleptic Gregorian date, in 400-year eras of 146,097 days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(year)-\(two(month))-\(two(day)) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))+00"
    }

    /// An order's metadata as jsonb prints it (keys by length, then bytes; `": "` and `", "`).
    static func metadata(_ order: Order) -> String {
        "{\"channel\": \"\(order.channel)\", \"priority\": \(order.priority)}"
    }

    static func money(_ cents: Int) -> String {
        let rest = cents % 100
        return "\(cents / 100).\(rest < 10 ? "0" : "")\(rest)"
    }

    /// COPY text format: tab-separated, with backslash, tab, newline and carriage return escaped.
    /// Appends to one growing string; a field is scanned for those four bytes and copied as it is
    /// when it has none (nearly always), which keeps building the text cheaper than loading it.
    static func appendCopyLine(_ fields: [String], to text: inout String) {
        for (index, field) in fields.enumerated() {
            if index > 0 { text.append("\t") }
            if field.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                text.append(field.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
                    .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r"))
            } else {
                text.append(field)
            }
        }
        text.append("\n")
    }

    static func copyLine(_ fields: [String]) -> String {
        var text = ""
        appendCopyLine(fields, to: &text)
        return text
    }

    private static func copyText<Row>(_ rows: [Row], bytesPerRow: Int, _ fields: (Row) -> [String]) -> String {
        var text = ""
        text.reserveCapacity(rows.count * bytesPerRow)
        for row in rows { appendCopyLine(fields(row), to: &text) }
        return text
    }

    var usersCopyData: String {
        Self.copyText(users, bytesPerRow: 96) {
            [String($0.id), $0.email, $0.name, $0.regionCode, $0.tier, Self.timestamp($0.createdAt)]
        }
    }

    var ordersCopyData: String {
        Self.copyText(orders, bytesPerRow: 160) {
            [String($0.id), String($0.userID), $0.region, String($0.productID), String($0.quantity),
             Self.money($0.amountCents), $0.status,
             Self.metadata($0),
             Self.timestamp($0.createdAt), Self.timestamp($0.updatedAt)]
        }
    }

    var itemsCopyData: String {
        Self.copyText(items, bytesPerRow: 64) {
            [String($0.id), String($0.userID), String($0.orderID), $0.productName, String($0.quantity), Self.money($0.unitPriceCents)]
        }
    }

    /// Loads the ten regions with COPY (the fast path's share of what `01_initial_seed_data.sql` inserts).
    public func loadRegions(into connection: Connection) throws {
        var text = ""
        for region in Self.regions { Self.appendCopyLine([region.code, region.name, region.timezone, region.currency], to: &text) }
        try connection.copyIn("COPY regions (code, name, timezone, currency) FROM STDIN", data: text)
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
