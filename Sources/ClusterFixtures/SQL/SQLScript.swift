import Foundation

/// A file from `sql/`, split into the statements psql would send, each with the line it starts on.
///
/// The files are written for `psql -v ON_ERROR_STOP=1 -f`, so the splitter follows psql's rules:
/// a semicolon ends a statement except inside quotes, dollar quotes, comments or parentheses;
/// `:'name'` is a psql variable spliced in as a quoted literal, `:"name"` as a quoted identifier and
/// `:name` as is. Backslash meta-commands are not supported (the suite would silently differ from
/// psql), and are an error naming the line.
///
/// A comment `-- result: name` before a statement labels it: the suite finds that statement's
/// result by its label (`ScriptResults.named`), never by its position, so a statement added to a
/// file changes no verdict. A label may appear once per file.
public struct SQLScript: Sendable {
    public struct Statement: Sendable, Equatable {
        public var text: String
        /// 1-based line of the statement's first character.
        public var line: Int
        /// The `-- result: name` label written before the statement, if any.
        public var label: String? = nil
    }

    public var name: String
    public var statements: [Statement]

    public init(contentsOf url: URL, variables: [String: String] = [:]) throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw SQLScriptError(location: url.path, message: "cannot read the file: \(error.localizedDescription)")
        }
        let relative =
            url.path.hasPrefix(ProjectLayout.root.path + "/")
            ? String(url.path.dropFirst(ProjectLayout.root.path.count + 1)) : url.path
        ReadLog.file(relative)
        try self.init(name: relative, text: text, variables: variables)
    }

    public init(name: String, text: String, variables: [String: String] = [:]) throws {
        self.name = name
        statements = try Splitter(name: name, text: text, variables: variables).split()
    }

    /// `sql/sharding/11_add_workers.sql:12`
    public func location(of statement: Statement) -> String { "\(name):\(statement.line)" }
}

public struct SQLScriptError: Error, CustomStringConvertible, Equatable {
    public var location: String
    public var message: String
    public var description: String { "\(location): \(message)" }
}

private struct Splitter {
    let name: String
    let chars: [Character]
    let variables: [String: String]

    init(name: String, text: String, variables: [String: String]) {
        self.name = name
        chars = Array(text)
        self.variables = variables
    }

    func split() throws -> [SQLScript.Statement] {
        var statements: [SQLScript.Statement] = []
        var current = ""
        var startLine: Int?
        var label: String?
        var labelLines: [String: Int] = [:]
        var line = 1
        var depth = 0
        var i = 0

        func fail(_ message: String) -> SQLScriptError { SQLScriptError(location: "\(name):\(line)", message: message) }
        func emit() {
            let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty, let startLine {
                statements.append(.init(text: trimmed, line: startLine, label: label))
                label = nil
            }
            current = ""
            startLine = nil
        }
        /// Copies chars[i..<end] into the statement, counting lines.
        func take(until end: Int) {
            for c in chars[i..<end] {
                if c == "\n" { line += 1 }
                current.append(c)
            }
            i = end
        }
        func find(_ needle: [Character], from start: Int) -> Int? {
            var j = start
            while j + needle.count <= chars.count {
                if Array(chars[j..<j + needle.count]) == needle { return j }
                j += 1
            }
            return nil
        }

        while i < chars.count {
            let c = chars[i]
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if startLine == nil, !c.isWhitespace, !(c == "-" && next == "-"), !(c == "/" && next == "*") {
                startLine = line
            }
            switch c {
            case "-" where next == "-":
                let end = chars[i...].firstIndex(of: "\n") ?? chars.count
                // Comments are dropped: they would otherwise shift psql-style line reporting. A
                // `-- result: name` comment labels the statement that follows.
                let comment = String(chars[(i + 2)..<end]).trimmingCharacters(in: .whitespaces)
                if comment.hasPrefix("result:") {
                    let name = comment.dropFirst("result:".count).trimmingCharacters(in: .whitespaces)
                    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                        throw fail("a result label is a word of letters, digits and _: '-- result: \(name)'")
                    }
                    guard current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, label == nil else {
                        throw fail("the result label '\(name)' must stand alone before the statement it names")
                    }
                    if let first = labelLines[name] {
                        throw fail("the result label '\(name)' is used already on line \(first)")
                    }
                    labelLines[name] = line
                    label = name
                    if startLine == line { startLine = nil }
                }
                i = end
            case "/" where next == "*":
                var nesting = 0
                var j = i
                repeat {
                    if j + 1 < chars.count, chars[j] == "/", chars[j + 1] == "*" {
                        nesting += 1
                        j += 2
                        continue
                    }
                    if j + 1 < chars.count, chars[j] == "*", chars[j + 1] == "/" {
                        nesting -= 1
                        j += 2
                        continue
                    }
                    if j >= chars.count { throw fail("unterminated /* comment") }
                    if chars[j] == "\n" { line += 1 }
                    j += 1
                } while nesting > 0
                i = j
            case "'", "\"":
                var j = i + 1
                while true {
                    guard j < chars.count else {
                        throw fail("unterminated \(c == "'" ? "string" : "quoted identifier")")
                    }
                    if chars[j] == c {
                        if j + 1 < chars.count, chars[j + 1] == c {
                            j += 2
                            continue
                        }
                        break
                    }
                    j += 1
                }
                take(until: j + 1)
            case "$":
                // A dollar quote: $$ or $tag$ where tag is an identifier not starting with a digit.
                var j = i + 1
                while j < chars.count, chars[j].isLetter || chars[j] == "_" || (j > i + 1 && chars[j].isNumber) {
                    j += 1
                }
                if j < chars.count, chars[j] == "$",
                    !(i > 0 && (chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_"))
                {
                    let tag = Array(chars[i...j])
                    guard let close = find(tag, from: j + 1) else {
                        throw fail("unterminated dollar quote \(String(tag))")
                    }
                    take(until: close + tag.count)
                } else {
                    take(until: i + 1)
                }
            case ":" where next == ":":
                take(until: i + 2)
            case ":" where next == "'" || next == "\"" || (next.map { $0.isLetter || $0 == "_" } ?? false):
                let quote: Character? = (next == "'" || next == "\"") ? next : nil
                var j = quote == nil ? i + 1 : i + 2
                let nameStart = j
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                let variable = String(chars[nameStart..<j])
                if let quote {
                    guard j < chars.count, chars[j] == quote, !variable.isEmpty else {
                        take(until: i + 1)
                        continue
                    }
                    j += 1
                }
                guard let value = variables[variable] else {
                    throw fail("psql variable :\(variable) is not set (pass it with -v \(variable)=...)")
                }
                switch quote {
                case "'": current += "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
                case "\"": current += "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                default: current += value
                }
                i = j
            case "\\" where current.trimmingCharacters(in: .whitespaces).isEmpty || (i > 0 && chars[i - 1] == "\n"):
                throw fail("psql meta-commands (\\...) are not supported in the project's SQL files")
            case "(":
                depth += 1
                take(until: i + 1)
            case ")":
                depth = max(0, depth - 1)
                take(until: i + 1)
            case ";" where depth == 0:
                current.append(";")
                i += 1
                emit()
            default:
                take(until: i + 1)
            }
        }
        emit()
        if let label { throw fail("the result label '\(label)' names no statement") }
        return statements
    }
}
