import Foundation

/// One test's claim: the checklist lines it proves and its evidence, as the sign-off reads it.
public struct ChecklistClaim: Codable, Sendable, Equatable {
    /// `Module.Suite`, as JUnit's `classname`.
    public var suite: String
    /// The test function (`tablesCreated()`, as JUnit's `name`), or nil when a whole suite claims.
    public var test: String?
    public var displayName: String
    public var items: [ChecklistItem]
    public var evidence: [String]
    public var seconds: Double

    public init(suite: String, test: String?, displayName: String, items: [ChecklistItem], evidence: [String], seconds: Double) {
        self.suite = suite
        self.test = test
        self.displayName = displayName
        self.items = items
        self.evidence = evidence
        self.seconds = seconds
    }

    /// Appends the claim as one JSON line to `path`.
    public func append(to path: String) throws {
        var line = try JSONEncoder().encode(self)
        line.append(0x0A)
        let lock = ChecklistClaim.fileLock
        try lock.withLock {
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        }
    }

    private static let fileLock = NSLock()

    /// Every claim in a claims file.
    public static func read(from path: String) throws -> [ChecklistClaim] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(ChecklistClaim.self, from: Data($0.utf8))
        }
    }
}
