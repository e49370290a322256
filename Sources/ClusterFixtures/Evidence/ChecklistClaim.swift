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
    /// The sign-off section of a claim that proves no checklist line: nil for a fault scenario,
    /// `upgrade` for a check of Phase 5's rehearsal (nil in claims written before these were kept).
    public var section: String?

    /// A claim that proves no checklist line and names no section: a fault scenario, listed in the
    /// sign-off's own section.
    public var isFaultScenario: Bool { items.isEmpty && section == nil }
    /// A check of the upgrade rehearsal (Phase 5), listed in the sign-off's "Upgrade" section.
    public var isUpgrade: Bool { section == Self.upgradeSection }
    public static let upgradeSection = "upgrade"

    public init(
        suite: String, test: String?, displayName: String, items: [ChecklistItem], evidence: [String], seconds: Double,
        availability: [AvailabilityRecord]? = nil, knownIssues: [String]? = nil, section: String? = nil
    ) {
        self.suite = suite
        self.test = test
        self.displayName = displayName
        self.items = items
        self.evidence = evidence
        self.seconds = seconds
        self.availability = availability
        self.knownIssues = knownIssues
        self.section = section
    }

    /// Appends the claim as one JSON line to `path`.
    public func append(to path: String) throws { try JSONLines.append(self, to: path) }

    /// Every claim in a claims file.
    public static func read(from path: String) throws -> [ChecklistClaim] {
        try JSONLines.read(ChecklistClaim.self, from: path)
    }
}
