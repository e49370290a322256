import ClusterFixtures
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
    /// Why each skipped test was skipped, by the same key.
    public var skipReasons: [String: String] = [:]
    /// How long each test took (its `time` attribute), by the same key.
    public var seconds: [String: Double] = [:]

    /// Seconds per suite (`Phase1Tests.Phase1Tests`), the longest first.
    public var secondsBySuite: [(suite: String, seconds: Double)] {
        seconds.reduce(into: [String: Double]()) { $0[String($1.key.prefix { $0 != "/" }), default: 0] += $1.value }
            .map { (suite: $0.key, seconds: $0.value) }.sorted { $0.seconds > $1.seconds }
    }

    public init(outcomes: [String: Outcome]) { self.outcomes = outcomes }

    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        let reader = Reader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        guard parser.parse() else {
            throw ReportFileError(
                path: url.path,
                problem: "not a readable JUnit file: \(parser.parserError.map { "\($0)" } ?? "parse error")")
        }
        outcomes = reader.outcomes
        skipReasons = reader.skipReasons
        seconds = reader.seconds
    }

    /// Marks the tests of `records` `<skipped message="reason"/>` in the JUnit file at `url`:
    /// Swift Testing lists a test cancelled at run time as passed. Returns how many it marked; a
    /// record whose test is not in the file (or already failed) is left alone.
    @discardableResult
    public static func markSkipped(_ records: [SkipRecord], in url: URL) throws -> Int {
        guard !records.isEmpty else { return 0 }
        let document = try XMLDocument(contentsOf: url, options: [])
        let reasons = Dictionary(
            records.map { ("\($0.suite)/\($0.test)", $0.reason) }, uniquingKeysWith: { first, _ in first })
        var marked = 0
        for case let testcase as XMLElement in try document.nodes(forXPath: "//testcase") {
            let classname = testcase.attribute(forName: "classname")?.stringValue ?? ""
            let testName = testcase.attribute(forName: "name")?.stringValue ?? ""
            let key = "\(classname)/\(testName)"
            guard let reason = reasons[key],
                (testcase.children ?? []).allSatisfy({ !["failure", "error", "skipped"].contains($0.name ?? "") })
            else { continue }
            let skipped = XMLElement(name: "skipped")
            skipped.addAttribute(XMLNode.attribute(withName: "message", stringValue: reason) as! XMLNode)
            testcase.addChild(skipped)
            marked += 1
        }
        try document.xmlData(options: [.nodePrettyPrint]).write(to: url)
        return marked
    }

    /// The closing lines of a run: each distinct skip reason with its count, then
    /// "tests: N passed, N failed, N skipped". `status` is swift test's exit status: a run that
    /// failed with no failing test failed outside any single test (a suite's setup).
    public func summaryLines(status: Int32) -> [String] {
        var counts = self.counts
        var lines: [String] = []
        if status != 0 && (counts[.failed] ?? 0) == 0 {
            lines.append("  the run failed outside any single test (a suite's setup): see the output above")
            counts[.failed] = 1
        }
        let reasons = outcomes.filter { $0.value == .skipped }.map { skipReasons[$0.key] ?? "no reason given" }
        for (reason, count) in reasons.reduce(into: [String: Int](), { $0[$1, default: 0] += 1 }).sorted(by: {
            $0.key < $1.key
        }) {
            lines.append("  \(count) skipped: \(reason)")
        }
        lines.append(
            "tests: \(counts[.passed] ?? 0) passed, \(counts[.failed] ?? 0) failed, \(counts[.skipped] ?? 0) skipped")
        return lines
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
        var skipReasons: [String: String] = [:]
        var seconds: [String: Double] = [:]
        private var current: String?
        private var skipText: String?

        func parser(
            _ parser: XMLParser, didStartElement element: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            switch element {
            case "testcase":
                let key = "\(attributes["classname"] ?? "")/\(attributes["name"] ?? "")"
                current = key
                if outcomes[key] == nil { outcomes[key] = .passed }
                seconds[key, default: 0] += attributes["time"].flatMap(Double.init) ?? 0
            case "failure", "error":
                if let current { outcomes[current] = .failed }
            case "skipped":
                if let current, outcomes[current] != .failed {
                    outcomes[current] = .skipped
                    if let message = attributes["message"] { skipReasons[current] = message } else { skipText = "" }
                }
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            skipText? += string
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            if element == "skipped", let current, let text = skipText {
                let reason = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !reason.isEmpty { skipReasons[current] = reason }
                skipText = nil
            }
            if element == "testcase" { current = nil }
        }
    }
}
