import Foundation

/// `KEY=VALUE` lines as `scripts/cluster.sh` and `.env` files write them; `#` starts a comment.
///
/// Values are taken literally (no shell expansion), and surrounding single or double quotes are
/// removed, which is what both Docker Compose and `source` do for the values this project uses.
public enum EnvironmentFile {
    public static func parse(_ text: String, path: String = "<text>") throws -> [String: String] {
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let body = line.hasPrefix("export ") ? String(line.dropFirst(7)) : line
            guard let equals = body.firstIndex(of: "="),
                case let key = body[..<equals].trimmingCharacters(in: .whitespaces),
                !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
            else {
                throw ConfigurationError(
                    variable: "\(path):\(index + 1)", problem: "reads '\(line)'",
                    expected: "a KEY=VALUE line")
            }
            var value = body[body.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }

    public static func load(_ url: URL) throws -> [String: String] {
        try parse(String(contentsOf: url, encoding: .utf8), path: url.path)
    }
}
