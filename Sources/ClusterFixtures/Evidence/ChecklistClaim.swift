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
    /// How the writers fared in the operations the test ran (nil in claims written before these were
    /// kept).
    public var availability: [AvailabilityRecord]?
    /// Known issues (of Citus or PostgreSQL) the test met, each as "<issue>: <what was seen>" (nil
    /// in claims written before these were kept).
    public var knownIssues: [String]?

    /// A claim that proves no checklist line: a fault scenario, listed in the sign-off's own section.
    public var isFaultScenario: Bool { items.isEmpty }

    public init(suite: String, test: String?, displayName: String, items: [ChecklistItem], evidence: [String], seconds: Double,
                availability: [AvailabilityRecord]? = nil, knownIssues: [String]? = nil) {
        self.suite = suite
        self.test = test
        self.displayName = displayName
        self.items = items
        self.evidence = evidence
        self.seconds = seconds
        self.availability = availability
        self.knownIssues = knownIssues
    }

    /// Appends the claim as one JSON line to `path`.
    public func append(to path: String) throws { try JSONLines.append(self, to: path) }

    /// Every claim in a claims file.
    public static func read(from path: String) throws -> [ChecklistClaim] { try JSONLines.read(ChecklistClaim.self, from: path) }
}
