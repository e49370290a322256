import Foundation
import Synchronization

/// What a test run read, with `CITUS_VERIFY_READ_LOG` set to a path: one tab-separated line per
/// fact, each written once per process.
///
/// - `file <path>`: an SQL file the suite loaded, by no test anyone could name. `citus-verify mutate
///   --generated` learns from it which test targets must run for a mutant of that file.
/// - `file <path> <reader>`: the same, with who loaded it: a test (`Phase2Tests.Phase2Tests/demoQueries()`,
///   the form `swift test --filter` takes) or a suite's own setup (`suite:Phase2Tests.Phase2Tests`), as
///   `identifyReaders` tells. A mutant of a file that only some tests load runs those tests first.
/// - `declared <file> <label> <columns>`: a labelled result a script returned, with its columns.
/// - `read <file> <label> <column>`: a test looked that column of that labelled result up by name
///   (`*` when it took the result without a column: counting its rows, say).
///
/// `citus-verify read-coverage` compares `declared` (and every label the files declare) with
/// `read`: a labelled result or column that no test looks at is evidence nobody judges.
public enum ReadLog {
    static let path: String? = ProcessInfo.processInfo.environment["CITUS_VERIFY_READ_LOG"].flatMap {
        $0.isEmpty ? nil : $0
    }
    private static let written = Mutex<Set<String>>([])

    private static let reader = Mutex<(@Sendable () -> String?)?>(nil)

    /// Installs who is reading now (the test support's traits pass the running test's id): from
    /// then on each loaded file is recorded with its reader too. Without it, or when it answers
    /// nil, a file is recorded without one (read by the whole target, as far as anyone can tell).
    public static func identifyReaders(_ current: @escaping @Sendable () -> String?) {
        reader.withLock { $0 = current }
    }

    /// The reader of work started for it on another thread (`BlockingWork`), where the test's own
    /// task-local context does not reach.
    @TaskLocal static var inheritedReader: String?

    /// Who is reading now: the reader handed down to this thread, else what the installed hook says.
    static func currentReader() -> String? {
        guard path != nil else { return nil }
        return inheritedReader ?? reader.withLock({ $0 })?()
    }

    static func file(_ relativePath: String) {
        if let who = currentReader() { write(["file", relativePath, who]) } else { write(["file", relativePath]) }
    }

    static func declared(file: String, label: String, columns: [String]) {
        write(["declared", file, label, columns.joined(separator: ",")])
    }

    static func read(origin: String, column: String) { write(["read", origin, column]) }

    private static func write(_ fields: [String]) {
        guard let path else { return }
        let line = fields.joined(separator: "\t")
        guard written.withLock({ $0.insert(line).inserted }) else { return }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
    }

    /// One line of a read log, parsed.
    public enum Entry: Hashable, Sendable {
        case file(String)
        /// A file and who loaded it (a test id, or `suite:` and a suite's id for its setup).
        case fileReadBy(file: String, reader: String)
        case declared(file: String, label: String, columns: [String])
        case read(file: String, label: String, column: String)

        public init?(line: Substring) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            switch (fields.first, fields.count) {
            case ("file", 2): self = .file(fields[1])
            case ("file", 3): self = .fileReadBy(file: fields[1], reader: fields[2])
            case ("declared", 4):
                self = .declared(
                    file: fields[1], label: fields[2], columns: fields[3].split(separator: ",").map(String.init))
            case ("read", 4): self = .read(file: fields[1], label: fields[2], column: fields[3])
            default: return nil
            }
        }
    }

    public static func entries(at url: URL) throws -> [Entry] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap(Entry.init(line:))
    }
}
