import Foundation
import Mutants
import Testing

@Suite("mutations/equivalent.json: every entry names a mutant the generators make, with its place and a reason")
struct EquivalentListTests {
    static var root: URL {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder.deleteLastPathComponent()
        }
        return folder
    }

    @Test(
        "Each listed id is generated from the project's files, at the file and line the entry names, and has a reason")
    func entriesAreLive() throws {
        let generated = Dictionary(uniqueKeysWithValues: try GeneratedMutants.all(root: Self.root).map { ($0.id, $0) })
        let list = try EquivalentMutant.list(at: Self.root.appendingPathComponent("mutations/equivalent.json"))
        #expect(Set(list.map(\.id)).count == list.count, "an id listed twice")
        for entry in list {
            let mutant = try #require(
                generated[entry.id], "\(entry.id) is no longer generated: remove it or list the new id")
            #expect(
                entry.mutant.hasPrefix("\(mutant.file):\(mutant.line) "),
                "\(entry.id): '\(entry.mutant)' vs \(mutant.file):\(mutant.line)")
            #expect(entry.reason.count > 20, "\(entry.id) needs a reason another reader can check")
        }
    }
}
