/// What concurrent writers had acknowledged during one operation, checked against the database
/// afterwards: each acknowledged order must be there exactly once with its acknowledged values, and
/// no order may be there that no writer attempted.
public struct LedgerCheck: Sendable, CustomStringConvertible {
    public var operation: String
    public var seconds: Double
    /// New orders the database acknowledged (their COMMIT returned success).
    public var acknowledged: Int
    /// Status updates the database acknowledged.
    public var updates: Int
    /// Tokens of acknowledged orders that are not there.
    public var lost: [String]
    /// Tokens found more than once.
    public var duplicated: [String]
    /// Acknowledged orders found with other values, with what differs.
    public var changed: [String]
    /// Rows whose token no writer attempted: written by nobody.
    public var unknown: [String]
    /// Items whose order does not exist.
    public var orphanItems: Int
    /// Transactions whose outcome the writer could not know (the connection broke mid-way).
    public var inDoubt: Int
    /// Attempted but unacknowledged orders that did land: allowed, and shown.
    public var inDoubtLanded: Int
    public var errorsBySQLState: [String: Int]
    /// The first message seen for each SQLSTATE.
    public var errorExamples: [String: String] = [:]

    /// Nothing lost, duplicated, changed or invented.
    public var holds: Bool { lost.isEmpty && duplicated.isEmpty && changed.isEmpty && unknown.isEmpty && orphanItems == 0 }

    public var description: String {
        let errors = LoadReport.describe(errors: errorsBySQLState, examples: errorExamples)
        return "\(operation): \(acknowledged) orders and \(updates) updates acknowledged in \(String(format: "%.1f", seconds)) s; "
            + "lost \(lost.count), duplicated \(duplicated.count), changed \(changed.count), written by nobody \(unknown.count), "
            + "orphan items \(orphanItems); in doubt \(inDoubt) (\(inDoubtLanded) landed); errors by SQLSTATE: \(errors)"
            + (holds ? "" : "\n  lost: \(lost.prefix(10)) duplicated: \(duplicated.prefix(10)) changed: \(changed.prefix(10)) unknown: \(unknown.prefix(10))")
    }
}
