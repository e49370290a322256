import Foundation

/// The whole generated set: every SQL file under `sql/` and the oracles' Swift files, each run
/// through its mutator. What is mutated is chosen by folder, never mutant by mutant.
public enum GeneratedMutants {
    /// The Swift code that judges: the oracles, the seed's hashing, the checksums and the audit.
    public static let swiftSources = [
        "Sources/ClusterFixtures/Oracles",
        "Sources/ClusterFixtures/Seed/SeedHash.swift",
        "Sources/ClusterFixtures/Seed/SeedData+Checksums.swift",
        "Sources/ClusterFixtures/Faults/FaultAudit.swift",
    ]

    /// Every generated mutant of the project at `root`, SQL first, in file order.
    public static func all(root: URL) throws -> [GeneratedMutant] {
        var result: [GeneratedMutant] = []
        for file in try files(under: root.appendingPathComponent("sql"), ending: ".sql", relativeTo: root) {
            result += SQLMutator(file: file, text: try read(file, root: root)).mutants()
        }
        for source in swiftSources {
            let url = root.appendingPathComponent(source)
            let swiftFiles =
                source.hasSuffix(".swift") ? [source] : try files(under: url, ending: ".swift", relativeTo: root)
            for file in swiftFiles {
                result += SwiftMutator(file: file, text: try read(file, root: root)).mutants()
            }
        }
        return result
    }

    static func read(_ file: String, root: URL) throws -> String {
        do { return try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8) } catch {
            throw GeneratedMutantError(
                description: "cannot read \(file) to make its mutants: \(error.localizedDescription)")
        }
    }

    static func files(under folder: URL, ending suffix: String, relativeTo root: URL) throws -> [String] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
            throw GeneratedMutantError(description: "\(folder.path) is not a folder")
        }
        let prefix = root.standardizedFileURL.path + "/"
        return walker.compactMap { ($0 as? URL)?.standardizedFileURL.path }
            .filter { $0.hasSuffix(suffix) }
            .map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 }
            .sorted()
    }
}

/// A generated mutant that changes nothing a user could see, with the reason: reviewed, kept in
/// `mutations/equivalent.json`, and short.
public struct EquivalentMutant: Codable, Sendable {
    public var id: String
    /// What the mutant does, as generated (so a reader checks the reason without running anything).
    public var mutant: String
    public var reason: String

    public static func list(at url: URL) throws -> [EquivalentMutant] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        do { return try JSONDecoder().decode([EquivalentMutant].self, from: Data(contentsOf: url)) } catch {
            throw GeneratedMutantError(description: "\(url.path) is not a list of {id, mutant, reason}: \(error)")
        }
    }
}
