/// A PostgreSQL program the project runs beside its own code (psql, pgbench) failed: names the
/// program and what it printed.
public struct ToolFailed: Error, CustomStringConvertible {
    public var program: String
    public var output: String
    public var description: String { "\(program) failed: \(output)" }

    public init(program: String, output: String) {
        self.program = program
        self.output = output
    }
}
