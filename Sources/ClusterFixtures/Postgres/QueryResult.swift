/// The rows a statement returned, in PostgreSQL's text format, with typed access by column.
public struct QueryResult: Sendable {
    public var columns: [String]
    public var rows: [Row]
    /// `INSERT 0 10`, `SELECT 1`, …
    public var commandTag: String

    public var isEmpty: Bool { rows.isEmpty }

    /// The one row; an error (never a crash) when the statement returned another number.
    public func single() throws -> Row {
        guard rows.count == 1 else {
            throw DatabaseError(
                node: rows.first?.source ?? "database",
                message: "expected one row, got \(rows.count) (\(commandTag.isEmpty ? "no command tag" : commandTag))")
        }
        return rows[0]
    }
}

/// One row; values are nil for SQL NULL.
public struct Row: Sendable, CustomStringConvertible {
    public var columns: [String]
    public var values: [String?]
    /// Where the row came from, for error messages.
    var source: String
    /// For a row of a labelled script result: `file<TAB>label`, so that each column a test looks up
    /// is recorded in the read log (`ReadLog`).
    var origin: String? = nil

    /// The column's value converted to `T`; throws when the column is absent, NULL or not a `T`.
    public func get<T: SQLDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let index = columns.firstIndex(of: column) else {
            throw DatabaseError(
                node: source, message: "no column '\(column)' in result (columns: \(columns.joined(separator: ", ")))")
        }
        return try get(index, as: type)
    }

    public func get<T: SQLDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        if let origin, columns.indices.contains(index) { ReadLog.read(origin: origin, column: columns[index]) }
        guard values.indices.contains(index) else {
            throw DatabaseError(node: source, message: "no column \(index) in a row of \(values.count)")
        }
        guard let text = values[index] else {
            throw DatabaseError(
                node: source, message: "column '\(columns[index])' is NULL where \(T.self) was expected")
        }
        guard let value = T(sqlText: text) else {
            throw DatabaseError(node: source, message: "column '\(columns[index])' holds '\(text)', not a \(T.self)")
        }
        return value
    }

    /// The value, or nil for NULL.
    public func optional<T: SQLDecodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        guard let index = columns.firstIndex(of: column) else { return try get(column, as: type) }
        if let origin { ReadLog.read(origin: origin, column: column) }
        return values[index] == nil ? nil : try get(index, as: type)
    }

    public var description: String {
        zip(columns, values).map { "\($0)=\($1 ?? "NULL")" }.joined(separator: " ")
    }
}
