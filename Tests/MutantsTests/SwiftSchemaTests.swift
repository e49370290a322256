import Foundation
import Mutants
import Testing

/// A schema is only worth its build if, with each switch on, the program does what that mutant
/// built alone does, and with none on, what the file does: both compiled and run here.
@Suite("Swift mutant schemas: every mutant of a file compiled in once, switched on at run time")
struct SwiftSchemaTests {
    static let file = "Sources/X/Check.swift"
    static let source = SwiftMutatorTests.source

    /// Prints, for each input, `isEmpty` and `holds` at each limit: the behaviour compared.
    static func driver(type: String) -> String {
        """
        print([[], [0], [1, 2, 3], [0, 5, 0, 7], [3, 3], [-4, 9]].map { (items: [Int]) -> String in
            let check = \(type)(items: items)
            return "\\(check.isEmpty)" + [-1, 0, 2, 4, 10].map { "\\(check.holds($0))" }.joined(separator: "/")
        }.joined(separator: ","))
        """
    }

    func compile(
        _ program: String, in folder: URL, named name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> URL {
        let sourceFile = folder.appendingPathComponent("\(name).swift")
        let binary = folder.appendingPathComponent(name)
        try program.write(to: sourceFile, atomically: true, encoding: .utf8)
        let (status, output) = try run("/usr/bin/env", ["swiftc", "-Onone", "-o", binary.path, sourceFile.path])
        #expect(status == 0, "\(name) does not compile: \(output)", sourceLocation: sourceLocation)
        return binary
    }

    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("a range's ..< made ... is left out (two types no switch can hold); every other mutant is switched in")
    func switchedMutants() {
        let all = SwiftMutator(file: Self.file, text: Self.source).mutants()
        let schema = SwiftSchema(file: Self.file, text: Self.source, ids: Set(all.map(\.id)))
        #expect(Set(schema.ids) == Set(all.filter { $0.operator != MutationOperator.offByOne.rawValue }.map(\.id)))
        #expect(schema.ids.allSatisfy { schema.text.contains("\"\($0)\"") })
        #expect(
            SwiftSchema(file: Self.file, text: Self.source, ids: []).text == Self.source,
            "no mutant asked for: the file as written")
    }

    @Test("with each switch on, the schema behaves as that mutant built alone; with none, as the file as written")
    func behavesAsEachMutant() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let all = SwiftMutator(file: Self.file, text: Self.source).mutants()
        let schema = SwiftSchema(file: Self.file, text: Self.source, ids: Set(all.map(\.id)))
        let switched = all.filter { schema.ids.contains($0.id) }
        try #require(switched.count >= 8)

        // Every mutant built alone, each as a type of its own, in one program.
        var alone = Self.source + "\n" + Self.driver(type: "Check") + "\n"
        for (index, mutant) in switched.enumerated() {
            alone +=
                try mutant.apply(to: Self.source).replacingOccurrences(of: "struct Check", with: "struct Check\(index)")
                + "\n"
            alone += Self.driver(type: "Check\(index)") + "\n"
        }
        let aloneBinary = try compile(alone, in: folder, named: "alone")
        let schemaBinary = try compile(
            SwiftSchema.switchSource + schema.text + "\n" + Self.driver(type: "Check"), in: folder, named: "schema")
        let (aloneStatus, aloneOutput) = try run(aloneBinary.path, [])
        try #require(aloneStatus == 0, "\(aloneOutput)")
        let expected = aloneOutput.split(separator: "\n").map(String.init)
        try #require(expected.count == switched.count + 1)

        let (_, unmutated) = try run(schemaBinary.path, [])
        #expect(unmutated.trimmingCharacters(in: .newlines) == expected[0], "no switch on")
        var differing = 0
        for (index, mutant) in switched.enumerated() {
            let (_, output) = try run(schemaBinary.path, [], environment: [SwiftSchema.environmentVariable: mutant.id])
            #expect(output.trimmingCharacters(in: .newlines) == expected[index + 1], "\(mutant.id) \(mutant.summary)")
            if expected[index + 1] != expected[0] { differing += 1 }
        }
        // The comparison can fail: most mutants change what the driver prints.
        #expect(differing >= switched.count / 2)
    }

    @Test("a compiler error's position names the innermost switch around it")
    func errorPositions() throws {
        let all = SwiftMutator(file: Self.file, text: Self.source).mutants()
        let negation = try #require(all.first { $0.operator == MutationOperator.negateCondition.rawValue })
        let swap = try #require(all.first { $0.operator == MutationOperator.swapLogical.rawValue })
        let schema = SwiftSchema(file: Self.file, text: Self.source, ids: [negation.id, swap.id])
        let lines = schema.text.split(separator: "\n", omittingEmptySubsequences: false)
        let row = try #require(lines.firstIndex { $0.contains("guard") }) + 1
        // Columns in UTF-8 bytes, as the compiler gives them.
        let line = lines[row - 1]
        let column =
            line.utf8.distance(from: line.utf8.startIndex, to: try #require(line.range(of: "||")).lowerBound) + 1
        let offset = try #require(schema.offset(line: row, column: column))
        #expect(schema.mutants(at: offset).first == swap.id)
        #expect(schema.mutants(at: offset).contains(negation.id))
        #expect(schema.mutants(at: 0).isEmpty)
        // Outside every switch (`guard` itself): the switches of that statement, no other.
        let guardColumn =
            1 + line.utf8.distance(from: line.utf8.startIndex, to: try #require(line.range(of: "guard")).lowerBound)
        let guardOffset = try #require(schema.offset(line: row, column: guardColumn))
        #expect(schema.mutants(at: guardOffset).isEmpty)
        #expect(Set(schema.mutants(inStatementAt: guardOffset)) == [negation.id, swap.id])
    }

    @Test(
        """
        a Bool body of one expression gets its `return` said before the early returns, not when its branches \
        return; a closure's return is its own
        """
    )
    func earlyReturns() throws {
        let source = """
            struct S {
                var xs: [Int]
                var any: Bool { xs.contains { x in return x > 0 } }
                func branch(_ b: Bool) -> Bool { if b { return true } else { return xs.isEmpty } }
            }
            """
        let all = SwiftMutator(file: Self.file, text: source).mutants().filter {
            $0.operator == MutationOperator.constantBool.rawValue
        }
        let text = SwiftSchema(file: Self.file, text: source, ids: Set(all.map(\.id))).text
        #expect(text.contains("return xs.contains { x in return x > 0 }"))
        #expect(!text.contains("return if b"))
    }
}
