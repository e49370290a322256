import ClusterFixtures
import Foundation
import Testing

@Suite("docs/layout.md shows the module graph Package.swift declares")
struct LayoutDocTests {
    /// `Name → A, B` lines between `<!-- modules -->` and `<!-- /modules -->`; a parenthesised
    /// list names only outside packages.
    static func documentedGraph(_ text: String) -> [String: Set<String>] {
        guard let start = text.range(of: "<!-- modules -->"), let end = text.range(of: "<!-- /modules -->") else {
            return [:]
        }
        var graph: [String: Set<String>] = [:]
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") where line.contains("→") {
            let parts = line.split(separator: "→", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            graph[parts[0]] =
                parts[1].hasPrefix("(")
                ? [] : Set(parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return graph
    }

    /// Every non-test target of `swift package dump-package` with the targets of this package it depends on.
    static func declaredGraph() throws -> [String: Set<String>] {
        // A scratch folder of its own: the running `swift test` may hold the build folder's lock.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "citus-verify-dump-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let dump = try ChildProcess(
            "/usr/bin/env",
            [
                "swift", "package", "--package-path", ProjectLayout.root.path,
                "--scratch-path", scratch.path, "dump-package",
            ]
        ).run(timeLimit: .seconds(120))
        try #require(dump.status == 0, "swift package dump-package: \(dump.errorOutput)")
        struct Package: Decodable {
            struct Target: Decodable {
                var name: String
                var type: String
                var dependencies: [[String: [String?]]]
            }
            var targets: [Target]
        }
        let package = try JSONDecoder().decode(Package.self, from: Data(dump.output.utf8))
        return Dictionary(
            uniqueKeysWithValues: package.targets.filter { $0.type != "test" }.map { target in
                (target.name, Set(target.dependencies.compactMap { $0["byName"]?.first ?? nil }))
            })
    }

    @Test("Every module and what it depends on, as in Package.swift")
    func graphMatchesPackage() throws {
        let layout = try String(
            contentsOf: ProjectLayout.root.appendingPathComponent("docs/layout.md"), encoding: .utf8)
        let documented = Self.documentedGraph(layout)
        #expect(!documented.isEmpty, "docs/layout.md has a module block")
        #expect(documented == (try Self.declaredGraph()))
    }
}
