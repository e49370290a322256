import ClusterFixtures
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
    public var find: String?
    public var replace: String?
    /// Instead of a replacement: text put before and after the whole file, in `file` and `also`.
    public var prepend: String?
    public var append: String?
    /// More files the same edit applies to (prepend and append only).
    public var also: [String]?
    /// An edit that must change nothing: the tests must pass (a failure is a false alarm).
    public var harmless: Bool?
    /// The tests that must catch it (or, for a harmless edit, pass): a `swift test --filter` expression.
    public var tests: String

    public var isHarmless: Bool { harmless ?? false }
    public var allFiles: [String] { [file] + (also ?? []) }

    /// `file`'s text with the edit made; an error naming the fault when `find` does not occur
    /// exactly once (the catalogue no longer matches the tree).
    public func apply(to text: String, file: String) throws -> String {
        guard let find else { return (prepend ?? "") + text + (append ?? "") }
        let occurrences = text.components(separatedBy: find).count - 1
        guard occurrences == 1 else {
            throw MutationCatalogueError(
                description:
                    """
                    fault \(id): the text to replace occurs \(occurrences) times in \(file), not once: update \
                    mutations/catalogue.json
                    """
            )
        }
        return text.replacingOccurrences(of: find, with: replace ?? "")
    }

    /// The catalogue in the project.
    public static func catalogue(at url: URL = ProjectLayout.root.appendingPathComponent("mutations/catalogue.json"))
        throws -> [Mutation]
    {
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
            throw MutationCatalogueError(
                description: "\(url.path): fault ids used twice: \(duplicates.sorted().joined(separator: ", "))")
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
    public var harmless: Bool
    /// For a fault: the tests failed. For a harmless edit: they failed too (a false alarm).
    public var caught: Bool
    /// The first test that failed, with its message (or why the run failed before any test).
    public var firstFailure: String?
    public var seconds: Double

    public init(
        id: String, concerns: String, description: String, harmless: Bool, caught: Bool, firstFailure: String?,
        seconds: Double
    ) {
        self.id = id
        self.concerns = concerns
        self.description = description
        self.harmless = harmless
        self.caught = caught
        self.firstFailure = firstFailure
        self.seconds = seconds
    }
}
