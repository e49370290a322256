import Foundation

/// One planted fault of `mutations/catalogue.json`: a realistic mistake in a lifecycle step, a
/// cluster setting or one of the suite's own oracles, as an exact text replacement in one file.
public struct Mutation: Codable, Sendable {
    /// Short and stable: what `MUTATE_ONLY` names.
    public var id: String
    /// What the fault concerns: `phase1` … `phase4`, `cluster`, or an oracle (`checksum`, `ledger`, …).
    public var concerns: String
    /// The mistake, in a sentence.
    public var description: String
    /// The file, relative to the project root.
    public var file: String
    /// Text that must occur exactly once in the file, and what it becomes.
    public var find: String
    public var replace: String
    /// The tests that must catch it: a `swift test --filter` expression.
    public var tests: String

    /// The file's text with the fault planted; an error naming the fault when `find` does not occur
    /// exactly once (the catalogue no longer matches the tree).
    public func apply(to text: String) throws -> String {
        let occurrences = text.components(separatedBy: find).count - 1
        guard occurrences == 1 else {
            throw MutationCatalogueError(description: "fault \(id): the text to replace occurs \(occurrences) times in \(file), not once: update mutations/catalogue.json")
        }
        return text.replacingOccurrences(of: find, with: replace)
    }

    /// The catalogue in the project.
    public static func catalogue(at url: URL = ProjectLayout.root.appendingPathComponent("mutations/catalogue.json")) throws -> [Mutation] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw MutationCatalogueError(description: "cannot read \(url.path): \(error.localizedDescription)")
        }
        let faults: [Mutation]
        do { faults = try JSONDecoder().decode([Mutation].self, from: data) } catch {
            throw MutationCatalogueError(description: "\(url.path) is not a list of faults: \(error)")
        }
        let duplicates = Dictionary(grouping: faults, by: \.id).filter { $0.value.count > 1 }.keys
        guard duplicates.isEmpty else {
            throw MutationCatalogueError(description: "\(url.path): fault ids used twice: \(duplicates.sorted().joined(separator: ", "))")
        }
        return faults
    }
}

public struct MutationCatalogueError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// How one planted fault fared.
public struct MutationOutcome: Codable, Sendable {
    public var id: String
    public var concerns: String
    public var description: String
    public var caught: Bool
    /// The first test that failed, with its message (or why the run failed before any test).
    public var firstFailure: String?
    public var seconds: Double

    public init(id: String, concerns: String, description: String, caught: Bool, firstFailure: String?, seconds: Double) {
        self.id = id
        self.concerns = concerns
        self.description = description
        self.caught = caught
        self.firstFailure = firstFailure
        self.seconds = seconds
    }
}
