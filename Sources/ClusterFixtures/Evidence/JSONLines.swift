import Foundation

/// A file of one JSON object per line, appended to by tests running at once (claims, skips) and
/// read back whole by the tool.
enum JSONLines {
    private static let lock = NSLock()

    static func append<T: Encodable>(_ value: T, to path: String) throws {
        var line = try JSONEncoder().encode(value)
        line.append(0x0A)
        try lock.withLock {
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil)  // a failure: the open below throws
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        }
    }

    /// Every line of `path`; none when the file does not exist.
    static func read<T: Decodable>(_ type: T.Type, from path: String) throws -> [T] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(T.self, from: Data($0.utf8))
        }
    }
}
