import Foundation

/// What a test saw that proves its checklist line: counts, shards per node, EXPLAIN lines,
/// checksums, ledger figures, durations. Tests call `Evidence.note(...)`; the `.proves(...)` trait
/// collects the notes and writes them, with the test's identity, to the claims file the sign-off
/// reads. Outside a `.proves` test a note goes nowhere.
public final class Evidence: @unchecked Sendable {
    @TaskLocal static var current: Evidence?

    private let lock = NSLock()
    private var lines: [String] = []

    init() {}

    /// Records `line` as evidence of the running test.
    public static func note(_ line: String) {
        guard let current else { return }
        current.lock.withLock { current.lines.append(line) }
    }

    var notes: [String] { lock.withLock { lines } }
}

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
    func append(to path: String) throws {
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
