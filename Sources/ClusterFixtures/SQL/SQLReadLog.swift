import Foundation

/// Which SQL files a test run read, for the generated mutants: with `CITUS_VERIFY_READ_LOG` set to
/// a path, every SQL file the suite loads is appended to it as one line (relative to the project
/// root). `citus-verify mutate --generated` runs each test target once with it, to learn which
/// targets must run for a mutant of a given file, instead of someone writing that map by hand.
enum SQLReadLog {
    static let path: String? = ProcessInfo.processInfo.environment["CITUS_VERIFY_READ_LOG"].flatMap { $0.isEmpty ? nil : $0 }

    static func record(_ relativePath: String) {
        guard let path else { return }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let line = Array((relativePath + "\n").utf8)
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
