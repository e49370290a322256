/// One lexical piece of an SQL file, as the generated SQL mutants see it: where it stands in the
/// file (character offsets) and what kind it is. Comments and whitespace are tokens too, so that
/// every character of the file belongs to exactly one token and an edit can be placed exactly.
public struct SQLToken: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case whitespace, comment, word, number, string, quotedIdentifier, psqlVariable, `operator`, punctuation
        /// `$tag$` opening or closing a dollar-quoted body; the body itself is lexed as tokens too.
        case dollarQuote
    }

    public var kind: Kind
    /// Character offsets into the file: `start..<end`.
    public var start: Int
    public var end: Int
    public var text: String
    /// Parenthesis depth at the token (inside a dollar-quoted body, counted from the body's start).
    public var depth: Int
    /// Inside a dollar-quoted body (a function or DO block).
    public var inBody: Bool

    /// The token as a keyword: upper-cased word, else nil.
    public var keyword: String? { kind == .word ? text.uppercased() : nil }
    public var isTrivia: Bool { kind == .whitespace || kind == .comment }
}
