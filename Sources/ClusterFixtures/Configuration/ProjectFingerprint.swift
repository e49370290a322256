import Crypto
import Foundation

/// A SHA-256 over every file in `sql/`, `Sources/` and `scripts/`: which steps and which checks
/// built a lifecycle stage. A stage left by an earlier run is reused only when the fingerprint it
/// was recorded with is the current one; after any edit to a step or a check it is rebuilt.
public enum ProjectFingerprint {
    public static let folders = ["sql", "Sources", "scripts"]

    /// Computed once per process: the files do not change under a running suite.
    public static let current: String = compute(root: ProjectLayout.root)

    static func compute(root: URL) -> String {
        var hasher = SHA256()
        let manager = FileManager.default
        for folder in folders {
            let base = root.appendingPathComponent(folder)
            guard let walker = manager.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            var files: [(String, URL)] = []
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                files.append((folder + "/" + url.path.dropFirst(base.path.count + 1), url))
            }
            for (relative, url) in files.sorted(by: { $0.0 < $1.0 }) {
                hasher.update(data: Array(relative.utf8) + [0])
                hasher.update(data: (try? Data(contentsOf: url)) ?? Data())
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
