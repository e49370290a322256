/// A statement whose reply did not come within the connection's client-side deadline. It was
/// cancelled; the error says what the server showed of the session at that moment (active and
/// waiting on a lock, idle with the reply lost, gone), which is what tells a blocked statement from
/// a lost reply.
public struct ReplyDeadlineExceeded: Error, CustomStringConvertible, Sendable {
    /// `coordinator (127.0.0.1:9700)`.
    public var node: String
    /// The statement's first words, or the SQL file and line once `located(at:)`.
    public var statement: String
    public var limit: Duration
    /// `backend 1234 active, waiting on Lock:relation, blocked by 5678 (idle in transaction: …)`.
    public var serverShowed: String
    /// The server did not confirm the cancel (no reply, or the statement ended some other way), so
    /// the statement's outcome is unknown and the connection was closed: a write sent on it is in
    /// doubt, never acknowledged.
    public var connectionClosed: Bool
    public var location: String?

    public var description: String {
        (location.map { "\($0): " } ?? "") + "\(node): no reply within \(Int(limit.seconds)) s (client-side deadline, "
            + """
            CITUS_VERIFY_QUERY_DEADLINE) to \(statement); the server showed \(serverShowed); the statement was \
            cancelled
            """
            + (connectionClosed
                ? "; the server did not confirm the cancel, so its outcome is unknown and the connection was closed"
                : "")
    }

    func located(at location: String) -> ReplyDeadlineExceeded {
        var copy = self
        copy.location = location
        return copy
    }
}
