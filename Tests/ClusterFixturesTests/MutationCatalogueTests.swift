import ClusterFixtures
import Foundation
import Reports
import Testing

/// The planted-fault catalogue can only catch what its filters run: a filter that matches no test
/// runs nothing, and `make mutate` could only count that fault missed (seven entries once ended in
/// `\.` and matched nothing for sessions). So every filter is matched here against the tests this
/// very bundle lists, in the form `--filter` reads them (`Target.Suite/test()`).
@Suite("Mutation catalogue: every planted fault runs tests that exist")
struct MutationCatalogueTests {
    @Test("Every planted fault applies to its file as it is now: the file exists and the text to replace occurs once")
    func faultsApply() throws {
        // In a mutation copy (CITUS_VERIFY_ROOT, set by make mutate and make mutate-generated) the
        // files are edited on purpose: a planted fault's own text, every Swift mutant behind its
        // switch. There only the files are checked, or this test would kill whatever is planted.
        let mutationCopy = ProcessInfo.processInfo.environment["CITUS_VERIFY_ROOT"].map { !$0.isEmpty } ?? false
        for fault in try Mutation.catalogue() {
            let file = ProjectLayout.root.appendingPathComponent(fault.file)
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                Issue.record("\(fault.id): no file \(fault.file)")
                continue
            }
            if mutationCopy { continue }
            #expect(throws: Never.self, "\(fault.id)") { _ = try fault.apply(to: text, file: fault.file) }
        }
    }

    @Test("Every planted fault's test filter matches at least one test this bundle lists")
    func filtersMatchListedTests() throws {
        let listing = try ChildProcess(
            CommandLine.arguments[0], ["--testing-library", "swift-testing", "--list-tests"]
        )
        .run(timeLimit: .seconds(120))
        let listed = listing.output.split(separator: "\n").map(String.init).filter { $0.contains("/") }
        try #require(
            listing.status == 0 && !listed.isEmpty,
            "the bundle's listing: exit \(listing.status), \(listed.count) tests; \(listing.errorOutput.suffix(400))")
        for fault in try Mutation.catalogue() {
            let filter = try Regex(fault.tests)
            #expect(listed.contains { $0.contains(filter) }, "\(fault.id): no listed test matches \(fault.tests)")
        }
    }
}
