import Foundation

/// What every `--json` option prints: sorted keys, pretty, ISO 8601 dates, so that two runs diff.
/// (`bench-scale --only`, run by `bench-scale` itself, answers its parent process in one compact line, which is
/// not for people.)
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
