/// One mutant made mechanically by an operator, not chosen by anyone: one edit of one file.
///
/// Its `id` is a hash of the file, the operator, the text of the statement or declaration it sits in
/// and the edit, so it stays the same when other parts of the file change (the reviewed list of
/// equivalent mutants names mutants by id).
public struct GeneratedMutant: Codable, Sendable, Equatable {
    public var id: String
    /// Relative to the project root, e.g. `sql/resharding/31_rebalance_shards.sql`.
    public var file: String
    /// 1-based line of the edit.
    public var line: Int
    /// The operator's name, e.g. `drop-order-by` (`MutationOperator.rawValue`).
    public var `operator`: String
    /// The text replaced and what it becomes, for people.
    public var original: String
    public var replacement: String
    /// Character offsets of the replaced text in the file.
    public var start: Int
    public var end: Int

    public var isSwift: Bool { file.hasSuffix(".swift") }

    /// `file`'s text with the edit made; an error when the text at the offsets is not `original`
    /// (the file changed since the mutants were generated).
    public func apply(to text: String) throws -> String {
        var characters = Array(text)
        guard end <= characters.count, String(characters[start..<end]) == original else {
            throw GeneratedMutantError(
                description: "mutant \(id): \(file):\(line) no longer holds '\(original)': generate the mutants again")
        }
        characters.replaceSubrange(start..<end, with: Array(replacement))
        return String(characters)
    }

    /// `drop 'ORDER BY n, j'`, `'<' → '<='`: one line for reports.
    public var summary: String {
        func clip(_ s: String) -> String {
            let flat = s.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return flat.count > 70 ? String(flat.prefix(67)) + "..." : flat
        }
        if original.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return "insert '\(clip(replacement))'" }
        return replacement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            ? "drop '\(clip(original))'" : "'\(clip(original))' → '\(clip(replacement))'"
    }

    /// A stable id from the parts that define the mutant (FNV-1a, 64 bits, 12 hex digits shown).
    static func makeID(
        prefix: String, file: String, operator op: String, context: String, offsetInContext: Int, replacement: String
    ) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in [file, op, context, String(offsetInContext), replacement].joined(separator: "\u{1}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let stem = file.split(separator: "/").last.map { String($0.split(separator: ".").first ?? $0) } ?? file
        return "\(prefix)-\(stem)-\(op)-" + String(String(hash, radix: 16).suffix(12))
    }
}

public struct GeneratedMutantError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

extension String {
    /// 1-based line of the character at `offset`.
    func line(atCharacterOffset offset: Int) -> Int {
        var line = 1
        for (index, character) in enumerated() {
            if index >= offset { break }
            if character == "\n" { line += 1 }
        }
        return line
    }
}
