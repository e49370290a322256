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
        guard let path = environment["CITUS_VERIFY_SKIPS"], !path.isEmpty,
              let line = try? JSONEncoder().encode(self) else { return }
        Self.lock.withLock {
            if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            defer { try? handle.close() }
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: line + Data("\n".utf8))
        }
    }

    /// Every record of `path` (none when the file does not exist).
    public static func read(from path: String) throws -> [SkipRecord] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(SkipRecord.self, from: Data($0.utf8))
        }
    }

    private static let lock = NSLock()
}
