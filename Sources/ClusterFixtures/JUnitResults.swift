import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// How each test of a run ended, read from the JUnit file `swift test --xunit-output` writes.
public struct JUnitResults: Sendable {
    public enum Outcome: String, Sendable, Codable {
        case passed, failed, skipped
    }

    /// By `classname/name` (`Phase1Tests.Phase1Tests/tablesCreated()`).
    public var outcomes: [String: Outcome]

    public init(outcomes: [String: Outcome]) { self.outcomes = outcomes }

    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        let reader = Reader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        guard parser.parse() else {
            throw DatabaseError(node: url.path, message: "not a readable JUnit file: \(parser.parserError.map { "\($0)" } ?? "parse error")")
        }
        outcomes = reader.outcomes
    }

    /// The outcome of one test, or nil when it did not run.
    public func outcome(suite: String, test: String) -> Outcome? { outcomes["\(suite)/\(test)"] }

    /// A suite's outcome: failed if any test failed, skipped if any was skipped, passed if all
    /// passed; nil when none of its tests ran.
    public func outcome(suite: String) -> Outcome? {
        let mine = outcomes.filter { $0.key.hasPrefix(suite + "/") }.map(\.value)
        if mine.isEmpty { return nil }
        if mine.contains(.failed) { return .failed }
        if mine.contains(.skipped) { return .skipped }
        return .passed
    }

    public var counts: [Outcome: Int] { outcomes.values.reduce(into: [:]) { $0[$1, default: 0] += 1 } }

    private final class Reader: NSObject, XMLParserDelegate {
        var outcomes: [String: Outcome] = [:]
        private var current: String?

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            switch element {
            case "testcase":
                let key = "\(attributes["classname"] ?? "")/\(attributes["name"] ?? "")"
                current = key
                if outcomes[key] == nil { outcomes[key] = .passed }
            case "failure", "error":
                if let current { outcomes[current] = .failed }
            case "skipped":
                if let current, outcomes[current] != .failed { outcomes[current] = .skipped }
            default: break
            }
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            if element == "testcase" { current = nil }
        }
    }
}
