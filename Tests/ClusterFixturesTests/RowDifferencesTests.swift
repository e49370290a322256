import Testing

@testable import ClusterFixtures

/// A checksum says that a table differs; the row comparison says where, and is read both ways.
@Suite("Row differences against the generated rows")
struct RowDifferencesTests {
    static let data = SeedData(seed: 7, scale: 1)

    /// The regions as the database would render them, taken from the generator itself.
    func rendered(_ table: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: String] {
        let rows = try #require(Self.data.expectedRows.first { $0.name == table }, sourceLocation: sourceLocation)
        var found: [String: String] = [:]
        for index in 0..<rows.count {
            let fields = rows.fields(index)
            found[fields[0]] = fields.joined(separator: "|")
        }
        return found
    }

    @Test("The generated rows themselves differ in nothing")
    func sameRowsNoDifference() throws {
        let d = Self.data.rowDifferences(of: "regions", found: try rendered("regions"))
        #expect(d.missing.isEmpty && d.extra.isEmpty && d.changed.isEmpty)
    }

    @Test("A row removed, one added and one changed are each named by key")
    func eachDifferenceNamed() throws {
        var found = try rendered("orders")
        let keys = found.keys.sorted()
        found[keys[0]] = nil
        found["999999999"] = "999999999|1|x"
        found[keys[1]] = found[keys[1]]! + "x"
        let d = Self.data.rowDifferences(of: "orders", found: found)
        #expect(d.missing == [keys[0]])
        #expect(d.extra == ["999999999"])
        #expect(d.changed.count == 1 && d.changed[0].hasPrefix("\(keys[1]): expected "))
    }
}
