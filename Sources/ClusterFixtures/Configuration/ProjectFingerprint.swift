import Foundation

/// A SHA-256 over the files that built a lifecycle stage: `Sources/`, `scripts/` and the SQL files
/// of the steps up to that stage. A stage left by an earlier run is reused only when the
/// fingerprint it was recorded with is the current one; after an edit to a step or a check that
/// built it, it is rebuilt. An edit to a later step's file (or to a query file, which builds no
/// stage) leaves the earlier stages valid: a phase run alone after such an edit starts from the
/// stage before it instead of rebuilding the whole lifecycle.
///
/// The generated mutant a mutation run switches on (`CITUS_VERIFY_MUTANT`, in code compiled as a
/// schema) is code that builds the stage too: it is part of the fingerprint, so a stage built with
/// no mutant on is rebuilt under one, as it would be with that mutant's file edited.
public enum ProjectFingerprint {
    public static let folders = ["sql", "Sources", "scripts"]

    /// Computed once per process and stage: the files do not change under a running suite.
    private static let stages: [LifecycleStage: String] = Dictionary(
        uniqueKeysWithValues: LifecycleStage.allCases.map {
            (
                $0,
                compute(
                    root: ProjectLayout.root, stage: $0,
                    activeMutant: ProcessInfo.processInfo.environment["CITUS_VERIFY_MUTANT"])
            )
        })

    /// The fingerprint of what builds `stage`.
    public static func of(_ stage: LifecycleStage) -> String { stages[stage]! }

    /// Whether the file (relative to the root, e.g. `sql/setup/00_create_base_table.sql`) helps
    /// build `stage`: every file outside `sql/`, an SQL file the project does not list, and a
    /// step's file whose stage is `stage` or before it.
    static func file(_ relative: String, builds stage: LifecycleStage?) -> Bool {
        guard let stage, relative.hasPrefix("sql/") else { return true }
        guard let file = SQLFile(rawValue: String(relative.dropFirst(4))) else { return true }
        return file.builds.map { $0 <= stage } ?? false
    }

    /// Every file of `folders` when `stage` is nil.
    static func compute(root: URL, stage: LifecycleStage? = nil, activeMutant: String? = nil) -> String {
        var hasher = Digest(.sha256)
        if let activeMutant, !activeMutant.isEmpty { hasher.update(Array("mutant \(activeMutant)".utf8) + [0]) }
        let manager = FileManager.default
        for folder in folders {
            let base = root.appendingPathComponent(folder)
            guard let walker = manager.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
                continue
            }
            var files: [(String, URL)] = []
            for case let url as URL in walker
            where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                files.append((folder + "/" + url.path.dropFirst(base.path.count + 1), url))
            }
            for (relative, url) in files.sorted(by: { $0.0 < $1.0 }) where file(relative, builds: stage) {
                hasher.update(Array(relative.utf8) + [0])
                hasher.update(Array((try? Data(contentsOf: url)) ?? Data()))
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
