/// An error from PostgreSQL or libpq, with what is needed to act on it: which node said it, the
/// SQLSTATE, the server's message, and where in our SQL it happened.
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    /// `coordinator (127.0.0.1:9700)`, `worker2 (127.0.0.1:9702)`.
    public var node: String
    /// Five-character SQLSTATE; nil for client-side failures (connection refused, timeout).
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    /// `sql/sharding/12_distribute_table.sql:14`, or the start of the query text.
    public var location: String?

    public init(
        node: String, sqlState: String? = nil, message: String, detail: String? = nil,
        hint: String? = nil, location: String? = nil
    ) {
        self.node = node
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.location = location
    }

    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "\(node): "
        if let sqlState { text += "[\(sqlState)] " }
        text += message
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        return text
    }

    func located(at location: String) -> DatabaseError {
        var copy = self
        copy.location = location
        return copy
    }
}
