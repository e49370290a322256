/// The errors the writers may receive during a lifecycle operation with nothing wrong, each with
/// the reason it is allowed. Any other SQLSTATE a writer receives during a normal (fault-free)
/// operation fails the phase: counted errors are judged, not only printed.
public enum ExpectedWriterErrors {
    /// SQLSTATE → why the operation may raise it in a writer's transaction.
    public static func allowed(during operation: String) -> [String: String] {
        switch operation {
        case "tenant isolation":
            // Citus's shard split swaps the shard metadata under running transactions; a writer
            // whose plan names the old shard fails with "could not find valid entry for shard N".
            // The transaction fails as a whole (not acknowledged), so nothing is lost.
            ["XX000": "a transaction planned against the split shard fails (Citus: could not find valid entry for shard)"]
        default:
            // Rebalance, drain and undistribute hold writes briefly at cutover; they raise no error.
            [:]
        }
    }

    /// The errors of `check` its operation does not allow, by SQLSTATE, with the first message of each.
    public static func unexpected(in check: LedgerCheck) -> [String: String] {
        let allowed = allowed(during: check.operation)
        var result: [String: String] = [:]
        // A SQLSTATE is in the counts only once a writer met it (LoadGenerator counts up from 1).
        for (state, count) in check.errorsBySQLState where allowed[state] == nil {
            result[state] = "\(count)× " + (check.errorExamples[state] ?? "")
        }
        return result
    }
}
