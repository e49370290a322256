import Foundation

/// A test skipped at run time, as `SkipUnlessTrait` records it for `citus-verify test-summary`
/// (one JSON object per line in the file `CITUS_VERIFY_SKIPS` names; nothing is written without it).
public struct SkipRecord: Codable, Sendable, Equatable {
    /// JUnit's `classname` and `name`.
    public var suite: String
    public var test: String
    public var reason: String

    public init(suite: String, test: String, reason: String) {
        self.suite = suite
        self.test = test
        self.reason = reason
    }

    /// Appends this record to `CITUS_VERIFY_SKIPS`, when set.
    public func append(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let path = environment["CITUS_VERIFY_SKIPS"], !path.isEmpty else { return }
        try? JSONLines.append(self, to: path)
    }

    /// Every record of `path` (none when the file does not exist).
    public static func read(from path: String) throws -> [SkipRecord] {
        try JSONLines.read(SkipRecord.self, from: path)
    }
}
