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
            [
                "XX000":
                    "a transaction planned against the split shard fails (Citus: could not find valid entry for shard)"
            ]
        case "citus upgrade":
            // Each node is restarted with the new library: a writer's connection to the coordinator
            // is cut (57P01, or lost with no SQLSTATE at all), a new one is refused while the node
            // starts (57P03), and a transaction the coordinator had open on a restarting worker
            // fails with the worker's connection (08006). Between a node's restart and its `ALTER
            // EXTENSION citus UPDATE`, Citus refuses distributed statements on purpose (XX000,
            // "loaded Citus library version differs from installed extension version"; Citus's
            // upgrade guide). None of these is acknowledged.
            [
                "XX000":
                    """
                between a node's restart and ALTER EXTENSION citus UPDATE, Citus refuses distributed \
                statements (loaded Citus library version differs from installed extension version)
                """,
                "57P01":
                    """
                the coordinator's shutdown ends the writer's session (terminating connection due to \
                administrator command)
                """,
                "57P03": "a connection is refused while a node starts or stops",
                "08006": "a transaction's connection to a restarting worker breaks",
                "connection": "the connection is lost before the server could send a SQLSTATE",
            ]
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
