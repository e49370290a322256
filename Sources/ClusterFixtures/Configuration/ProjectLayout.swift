import Foundation

/// Where the project's own files are, so tests find `sql/` and the embedded cluster's settings
/// however `swift test` was started.
public enum ProjectLayout {
    /// The package root: `CITUS_VERIFY_ROOT` when set, else the nearest folder above this source
    /// file that holds `Package.swift` (so moving the file between folders cannot break it).
    public static var root: URL {
        if let root = ProcessInfo.processInfo.environment["CITUS_VERIFY_ROOT"], !root.isEmpty {
            return URL(fileURLWithPath: root, isDirectory: true)
        }
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/"
            && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
        {
            folder = folder.deletingLastPathComponent()
        }
        return folder
    }

    public static var sqlDirectory: URL { root.appendingPathComponent("sql", isDirectory: true) }

    /// A file under `sql/`, e.g. `sqlFile("setup/00_create_base_table.sql")`.
    public static func sqlFile(_ relativePath: String) -> URL {
        sqlDirectory.appendingPathComponent(relativePath)
    }

    /// The settings file `scripts/cluster.sh up` writes.
    public static var localClusterEnvironmentFile: URL {
        let directory =
            ProcessInfo.processInfo.environment["CLUSTER_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            .map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? root.appendingPathComponent(".cluster", isDirectory: true)
        return directory.appendingPathComponent("cluster.env")
    }
}
