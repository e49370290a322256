import Foundation

/// A Swift value sent to PostgreSQL as a text-format parameter (`$1`), never spliced into SQL.
public protocol SQLParameter {
    var sqlText: String? { get }
}

extension String: SQLParameter { public var sqlText: String? { self } }
extension Int: SQLParameter { public var sqlText: String? { String(self) } }
extension Int64: SQLParameter { public var sqlText: String? { String(self) } }
extension Int32: SQLParameter { public var sqlText: String? { String(self) } }
extension Double: SQLParameter { public var sqlText: String? { String(self) } }
extension Bool: SQLParameter { public var sqlText: String? { self ? "true" : "false" } }
extension Decimal: SQLParameter { public var sqlText: String? { "\(self)" } }
extension Optional: SQLParameter where Wrapped: SQLParameter { public var sqlText: String? { self?.sqlText } }

/// An array goes as one array literal (`{"a","b",NULL}`), every element quoted, for a parameter
/// cast to an array type (`$1::text[]`, `$1::bigint[]`).
extension Array: SQLParameter where Element: SQLParameter {
    public var sqlText: String? {
        "{"
            + map { element in
                guard let text = element.sqlText else { return "NULL" }
                return "\""
                    + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    + "\""
            }.joined(separator: ",") + "}"
    }
}

/// A Swift type a column's text form converts to.
public protocol SQLDecodable {
    init?(sqlText: String)
}

extension String: SQLDecodable { public init?(sqlText: String) { self = sqlText } }
extension Int: SQLDecodable { public init?(sqlText: String) { self.init(sqlText) } }
extension Int64: SQLDecodable { public init?(sqlText: String) { self.init(sqlText) } }
extension Int32: SQLDecodable { public init?(sqlText: String) { self.init(sqlText) } }
extension Double: SQLDecodable { public init?(sqlText: String) { self.init(sqlText) } }
extension Decimal: SQLDecodable {
    public init?(sqlText: String) { self.init(string: sqlText, locale: Locale(identifier: "en_US_POSIX")) }
}
extension Bool: SQLDecodable {
    public init?(sqlText: String) {
        switch sqlText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}
