import Foundation

/// How the rows' values are written in COPY's text format (`SeedGenerator+Copy` writes the rows,
/// `ParallelSeedLoad` loads them).
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
        return
            """
            \(year)-\(two(month))-\(two(day)) \
            \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))+00
            """
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
    public static func appendCopyLine(_ fields: [String], to text: inout String) {
        for (index, field) in fields.enumerated() {
            if index > 0 { text.append("\t") }
            if field.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                text.append(
                    field.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
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
}
