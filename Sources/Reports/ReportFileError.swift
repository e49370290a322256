import ClusterFixtures

/// A report file (a JUnit file, a claims file) that cannot be read as one: names the file and what
/// is wrong with it. Not a database error: no database was asked.
public struct ReportFileError: Error, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "\(path): \(problem)" }
}
