/// What `Lifecycle.recoverPreparedTransactions` did: how many prepared transactions Citus's
/// recovery committed or rolled back, and what was still prepared when it stopped asking.
public struct PreparedTransactionRecovery: Sendable, CustomStringConvertible {
    /// How long recovery was asked for at most.
    public var timeLimit: Duration
    /// Prepared transactions `recover_prepared_transactions()` committed or rolled back.
    public var recovered = 0
    /// Prepared transactions still held per node at the end (-1: the node did not answer); empty
    /// when none is left.
    public var stillPrepared: [String: Int] = [:]
    /// Why recovery stopped before nothing was left (the wait's bound, or recovery's own error).
    public var error: String?

    public init(timeLimit: Duration) { self.timeLimit = timeLimit }

    public var description: String {
        "\(recovered) prepared transaction(s) committed or rolled back by recover_prepared_transactions()"
            + (stillPrepared.isEmpty
                ? ""
                : "; still prepared after \(timeLimit): "
                    + stillPrepared.sorted { $0.key < $1.key }.map {
                        "\($0.key) \($0.value < 0 ? "did not answer" : "\($0.value)")"
                    }.joined(separator: ", "))
            + (error.map { " (\($0))" } ?? "")
    }
}
