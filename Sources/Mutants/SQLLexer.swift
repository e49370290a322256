/// Splits an SQL file into tokens by the lexical rules psql follows: quotes, dollar quotes,
/// comments, psql variables (`:'name'`), numbers, words, operators. The suite's statement splitter
/// (`SQLScript`) runs the files; this lexer only places the generated mutants' edits, so it keeps
/// every character (comments and whitespace included) and lexes dollar-quoted bodies as SQL too:
/// a function's body is code the mutants must reach.
public struct SQLLexer {
    public let characters: [Character]

    public init(_ text: String) { characters = Array(text) }

    public func tokens() -> [SQLToken] {
        var tokens: [SQLToken] = []
        lex(from: 0, to: characters.count, inBody: false, into: &tokens)
        return tokens
    }

    private func lex(from start: Int, to limit: Int, inBody: Bool, into tokens: inout [SQLToken]) {
        let chars = characters
        var i = start
        var depth = 0
        func add(_ kind: SQLToken.Kind, _ end: Int) {
            tokens.append(
                SQLToken(kind: kind, start: i, end: end, text: String(chars[i..<end]), depth: depth, inBody: inBody))
            i = end
        }
        func isWordStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
        func isWordPart(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "$" }
        let operatorCharacters: Set<Character> = [
            "+", "-", "*", "/", "<", ">", "=", "~", "!", "@", "#", "%", "^", "&", "|", "`", "?",
        ]
        while i < limit {
            let c = chars[i]
            let next: Character? = i + 1 < limit ? chars[i + 1] : nil
            if c.isWhitespace {
                var j = i
                while j < limit, chars[j].isWhitespace { j += 1 }
                add(.whitespace, j)
            } else if c == "-", next == "-" {
                var j = i
                while j < limit, chars[j] != "\n" { j += 1 }
                add(.comment, j)
            } else if c == "/", next == "*" {
                var j = i + 2
                var nesting = 1
                while j < limit, nesting > 0 {
                    if chars[j] == "/", j + 1 < limit, chars[j + 1] == "*" {
                        nesting += 1
                        j += 2
                    } else if chars[j] == "*", j + 1 < limit, chars[j + 1] == "/" {
                        nesting -= 1
                        j += 2
                    } else {
                        j += 1
                    }
                }
                add(.comment, j)
            } else if c == "'" || c == "\"" {
                var j = i + 1
                while j < limit {
                    if chars[j] == c {
                        if j + 1 < limit, chars[j + 1] == c {
                            j += 2
                            continue
                        }
                        break
                    }
                    j += 1
                }
                add(c == "'" ? .string : .quotedIdentifier, min(j + 1, limit))
            } else if c == "$", let close = dollarTagEnd(at: i, limit: limit) {
                let tag = Array(chars[i...close])
                var j = close + 1
                var bodyEnd = limit
                while j + tag.count <= limit {
                    if Array(chars[j..<j + tag.count]) == tag {
                        bodyEnd = j
                        break
                    }
                    j += 1
                }
                add(.dollarQuote, close + 1)
                lex(from: i, to: bodyEnd, inBody: true, into: &tokens)
                i = bodyEnd
                if bodyEnd < limit { add(.dollarQuote, bodyEnd + tag.count) }
            } else if c == ":", next == ":" {
                add(.operator, i + 2)
            } else if c == ":", next == "=" {
                add(.operator, i + 2)
            } else if c == ":", let n = next, n == "'" || n == "\"" || isWordStart(n) {
                var j = i + 1
                if n == "'" || n == "\"" {
                    j += 1
                    while j < limit, chars[j] != n { j += 1 }
                    j += 1
                } else {
                    while j < limit, isWordPart(chars[j]) { j += 1 }
                }
                add(.psqlVariable, min(j, limit))
            } else if c.isNumber || (c == "." && (next?.isNumber ?? false)) {
                var j = i
                while j < limit, chars[j].isNumber || chars[j] == "." { j += 1 }
                add(.number, j)
            } else if isWordStart(c) {
                var j = i
                while j < limit, isWordPart(chars[j]) { j += 1 }
                add(.word, j)
            } else if operatorCharacters.contains(c) {
                var j = i
                while j < limit, operatorCharacters.contains(chars[j]) {
                    // `--` or `/*` starts a comment, not more operator.
                    if j > i,
                        (chars[j] == "-" && j + 1 < limit && chars[j + 1] == "-")
                            || (chars[j] == "/" && j + 1 < limit && chars[j + 1] == "*")
                    {
                        break
                    }
                    j += 1
                }
                add(.operator, j)
            } else if c == "(" {
                add(.punctuation, i + 1)
                depth += 1
            } else if c == ")" {
                depth = max(0, depth - 1)
                add(.punctuation, i + 1)
            } else {
                add(.punctuation, i + 1)
            }
        }
    }

    /// The index of the closing `$` of a dollar-quote tag starting at `i` (`$$`, `$body$`), or nil.
    private func dollarTagEnd(at i: Int, limit: Int) -> Int? {
        if i > 0, characters[i - 1].isLetter || characters[i - 1].isNumber || characters[i - 1] == "_" { return nil }
        var j = i + 1
        while j < limit, characters[j].isLetter || characters[j] == "_" || (j > i + 1 && characters[j].isNumber) {
            j += 1
        }
        return j < limit && characters[j] == "$" ? j : nil
    }
}
