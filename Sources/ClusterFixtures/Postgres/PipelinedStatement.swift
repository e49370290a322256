/// One statement of `Connection.pipeline`: its text, its parameters (`$1`, `$2`, …), and whether
/// it runs as a statement prepared once on the connection (`Connection.queryPrepared`).
public struct PipelinedStatement {
    public var sql: String
    public var parameters: [any SQLParameter]
    public var prepared: Bool

    public init(_ sql: String, _ parameters: [any SQLParameter] = [], prepared: Bool = false) {
        self.sql = sql
        self.parameters = parameters
        self.prepared = prepared
    }
}
