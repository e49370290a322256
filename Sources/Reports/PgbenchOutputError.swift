/// pgbench's output lacked a line the benchmark reads.
public struct PgbenchOutputError: Error, CustomStringConvertible {
    public var missing: String
    public var output: String
    public var description: String { "pgbench printed no \"\(missing)\" line; it printed:\n\(output)" }
}
