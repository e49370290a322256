/// The results of one run of an SQL file, looked up by the `-- result: name` labels the file
/// gives its statements: a statement added to the file, or a reordering, changes nothing here.
public struct ScriptResults: Sendable {
    public let script: SQLScript
    /// Each statement's result, in the file's order.
    public let all: [QueryResult]

    public init(script: SQLScript, all: [QueryResult]) {
        self.script = script
        self.all = all
        for (statement, result) in zip(script.statements, all) {
            if let label = statement.label {
                ReadLog.declared(file: script.name, label: label, columns: result.columns)
            }
        }
    }

    /// The result of the statement labelled `label`; an error naming the file and the labels it has
    /// when there is none. Its rows record each column a test looks up (`ReadLog`).
    public func named(_ label: String) throws -> QueryResult {
        guard let index = script.statements.firstIndex(where: { $0.label == label }), all.indices.contains(index) else {
            throw MissingResult(
                file: script.name, label: label,
                labels: script.statements.compactMap(\.label))
        }
        let origin = script.name + "\t" + label
        ReadLog.read(origin: origin, column: "*")
        var result = all[index]
        for i in result.rows.indices { result.rows[i].origin = origin }
        return result
    }

    /// The one row of the statement labelled `label`; an error when it returned another number.
    public func row(_ label: String) throws -> Row {
        let result = try named(label)
        guard result.rows.count == 1 else {
            throw MissingResult(
                file: script.name, label: label, labels: [],
                detail: "returned \(result.rows.count) rows where one was expected")
        }
        return result.rows[0]
    }

    /// The line the labelled statement starts on, `sql/…/file.sql:12`, for messages.
    public func location(of label: String) -> String {
        script.statements.first { $0.label == label }.map(script.location(of:)) ?? "\(script.name) (no '\(label)')"
    }
}

/// A file's labelled result the suite relies on is not there (or not as expected).
public struct MissingResult: Error, CustomStringConvertible {
    public var file: String
    public var label: String
    public var labels: [String]
    public var detail: String? = nil

    public var description: String {
        if let detail { return "\(file): the statement labelled '-- result: \(label)' \(detail)" }
        return
            """
            \(file) has no statement labelled '-- result: \(label)' (labels there: \
            \(labels.isEmpty ? "none" : labels.joined(separator: ", ")))
            """
    }
}
