/// Identifiers that must be spliced into SQL (table names cannot be parameters) are quoted here,
/// the way PostgreSQL's quote_ident does for any name.
public enum SQLIdentifier {
    public static func quote(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A string literal, as PostgreSQL's quote_literal writes it (for the few commands that take
    /// no parameters, such as ROLLBACK PREPARED).
    public static func quoteLiteral(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
