import Foundation

/// Which labelled results and columns a whole test run looked at, from its read log (`ReadLog`),
/// against every label the SQL files declare and every column their results had. What no test
/// looks at is evidence nobody judges: it fails the run, unless `sql/printed-for-people.json`
/// lists it with the reason it is printed for people only.
public struct ReadCoverage: Sendable {
    /// A labelled result or one column of it.
    public struct Item: Hashable, Sendable, Comparable, CustomStringConvertible {
        public var file: String
        public var label: String
        /// nil for the result as a whole.
        public var column: String?

        public init(file: String, label: String, column: String? = nil) {
            self.file = file
            self.label = label
            self.column = column
        }

        public var description: String { "\(file) '\(label)'" + (column.map { " column \($0)" } ?? "") }
        public static func < (a: Item, b: Item) -> Bool { a.description < b.description }
    }

    /// An entry of `sql/printed-for-people.json`.
    public struct PeopleOnly: Codable, Sendable {
        public var file: String
        public var label: String
        public var column: String?
        public var reason: String
        var item: Item { Item(file: file, label: label, column: column) }

        public init(file: String, label: String, column: String?, reason: String) {
            self.file = file
            self.label = label
            self.column = column
            self.reason = reason
        }
    }

    /// Labelled results or columns that no test looked at and no entry excuses.
    public var unjudged: [Item]
    /// Entries of the people-only list that name nothing the run declared (stale).
    public var staleExcuses: [Item]
    public var declaredCount: Int

    /// `labels`: every label the SQL files declare (`sql/...` path → labels), run or not.
    public init(entries: [ReadLog.Entry], labels: [String: [String]], peopleOnly: [PeopleOnly]) {
        var declared = Set<Item>()
        var read = Set<Item>()
        for (file, names) in labels { for label in names { declared.insert(Item(file: file, label: label)) } }
        for entry in entries {
            switch entry {
            case .declared(let file, let label, let columns):
                declared.insert(Item(file: file, label: label))
                for column in columns { declared.insert(Item(file: file, label: label, column: column)) }
            case .read(let file, let label, let column):
                read.insert(Item(file: file, label: label, column: column == "*" ? nil : column))
                read.insert(Item(file: file, label: label))
            case .file, .fileReadBy:
                break
            }
        }
        let excused = Set(peopleOnly.map(\.item))
        unjudged = declared.subtracting(read).filter { item in
            !excused.contains(item) && !excused.contains(Item(file: item.file, label: item.label))
        }.sorted()
        staleExcuses = excused.subtracting(declared).sorted()
        declaredCount = declared.count
    }

    /// The labels every file under `sql/` declares, parsed from the files (no database).
    public static func declaredLabels(root: URL = ProjectLayout.root) throws -> [String: [String]] {
        var labels: [String: [String]] = [:]
        for file in SQLFile.allCases {
            // Variables are not needed to find labels: every psql variable is given a placeholder.
            let text = try String(contentsOf: root.appendingPathComponent("sql/" + file.rawValue), encoding: .utf8)
            let names = text.split(separator: "\n").compactMap { line -> String? in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard trimmed.hasPrefix("-- result:") else { return nil }
                return trimmed.dropFirst("-- result:".count).trimmingCharacters(in: .whitespaces)
            }
            labels[file.description] = names
        }
        return labels
    }
}
