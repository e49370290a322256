/// A report that records a failed run (a `make test` or `make matrix` that did not pass): readable,
/// but not what the docs show. `DocFigures.update` keeps the previous figures for it and goes on,
/// where a report it cannot read at all stops `make docs`.
public struct FailedRunReport: Error, CustomStringConvertible {
    public var path: String
    public var problem: String
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }
}
