import SwiftParser
import SwiftSyntax

/// A Swift file with many of its generated mutants compiled in at once, each switched on at run
/// time by its id (a mutant schema): one build serves every mutant of the run, where building each
/// mutant alone costs most of its time.
///
/// With no mutant active, the schema computes what the file computes: each edit sits in a branch
/// taken only when `switchFunction(id)` is true, and the other branch is the original code (with
/// the other mutants' switches inside it). The function is defined once per module by
/// `switchSource`; the run sets `environmentVariable` to the one mutant it judges.
public struct SwiftSchema: Sendable {
    /// The file's text with the switches.
    public let text: String
    /// The mutants switched in it.
    public let ids: [String]
    /// Each switched mutant's place in `text` (UTF-8 offsets), to tell from a compiler error's
    /// position which switch did not compile.
    let placements: [(id: String, start: Int, end: Int)]

    public static let environmentVariable = "CITUS_VERIFY_MUTANT"
    static let switchFunction = "__citusVerifyMutant"

    /// The function every schema of a module calls: a file of its own in that module.
    public static let switchSource = """
        import Foundation

        // Written by `citus-verify mutate --generated` into its copy of the project only: the
        // generated mutant this process runs (none: the code as written).
        private let citusVerifyActiveMutant = ProcessInfo.processInfo.environment["\(environmentVariable)"]

        @inline(never) func \(switchFunction)(_ id: String) -> Bool { citusVerifyActiveMutant == id }

        """

    /// The schema of `file` (its text `text`) with the mutants `ids` switched in; mutants of the
    /// file not named stay out.
    public init(file: String, text original: String, ids wanted: Set<String>) {
        let placed = SwiftMutator(file: file, text: original).placedMutants().filter { wanted.contains($0.mutant.id) }
        var builder = Builder(source: Array(original.utf8))
        for (mutant, edit) in placed {
            switch edit.schemaSwitch {
            case .choice(let start, let end), .orTrue(let start, let end):
                builder.units.append(.init(id: mutant.id, edit: edit, start: start, end: end))
            case nil:
                continue
            case .earlyReturn(let at, let returnAt):
                let constant = edit.replacement.hasSuffix("true") ? "true" : "false"
                builder.insertions.append(
                    (at, 0, "if \(Self.switchFunction)(\"\(mutant.id)\") { return \(constant) }\n", mutant.id))
                if let returnAt, !builder.insertions.contains(where: { $0.position == returnAt && $0.order == 1 }) {
                    builder.insertions.append((returnAt, 1, "return ", nil))
                }
            }
        }
        let rendered = builder.render()
        text = String(decoding: rendered.bytes, as: UTF8.self)
        placements = rendered.placements
        let switched = Set(placements.map(\.id))
        ids = placed.map(\.mutant.id).filter { switched.contains($0) }
    }

    /// The mutants whose switch spans the UTF-8 offset `offset` of `text`, innermost first: where
    /// a compiler error there comes from.
    public func mutants(at offset: Int) -> [String] {
        placements.filter { $0.start <= offset && offset < $0.end }.sorted { $0.end - $0.start < $1.end - $1.start }
            .map(\.id)
    }

    /// The mutants switched inside the statement (or declaration) around the UTF-8 offset `offset`
    /// of `text`: where an error outside every switch (an expression too complex to type-check in
    /// time, a body that no longer returns) comes from.
    public func mutants(inStatementAt offset: Int) -> [String] {
        let tree = Parser.parse(source: text)
        guard let token = tree.token(at: AbsolutePosition(utf8Offset: min(max(offset, 0), max(text.utf8.count - 1, 0))))
        else { return [] }
        var node = token.parent
        while let current = node, !(current.is(CodeBlockItemSyntax.self) || current.is(MemberBlockItemSyntax.self)) {
            node = current.parent
        }
        guard let statement = node else { return [] }
        let start = statement.positionAfterSkippingLeadingTrivia.utf8Offset
        let end = statement.endPositionBeforeTrailingTrivia.utf8Offset
        return placements.filter { start <= $0.start && $0.end <= end }.map(\.id)
    }

    /// The UTF-8 offset of a compiler position (1-based line and column, the column in bytes).
    public func offset(line: Int, column: Int) -> Int? {
        var current = 1
        var offset = 0
        for byte in text.utf8 {
            if current == line { return offset + column - 1 }
            if byte == UInt8(ascii: "\n") { current += 1 }
            offset += 1
        }
        return current == line ? offset + column - 1 : nil
    }

    /// Renders the file with its switches.
    private struct Builder {
        struct Unit {
            var id: String
            var edit: SwiftEdit
            var start: Int
            var end: Int
            var children: [Unit] = []
        }

        let source: [UInt8]
        var units: [Unit] = []
        /// Text inserted before a position (an early return, then the `return` it needs).
        var insertions: [(position: Int, order: Int, text: String, id: String?)] = []

        private var output: [UInt8] = []
        private var placements: [(id: String, start: Int, end: Int)] = []
        private var pending: [(position: Int, order: Int, text: String, id: String?)] = []

        init(source: [UInt8]) { self.source = source }

        mutating func render() -> (bytes: [UInt8], placements: [(id: String, start: Int, end: Int)]) {
            pending = insertions.enumerated().sorted {
                ($0.element.position, $0.element.order, $0.offset) < ($1.element.position, $1.element.order, $1.offset)
            }
            .map(\.element)
            emit(range: 0, source.count, Self.nest(units))
            emitInsertions(upTo: Int.max)
            return (output, placements)
        }

        /// Units as a forest by containment; of two over the same text the first holds the second.
        static func nest(_ units: [Unit]) -> [Unit] {
            let ordered = units.enumerated().sorted {
                ($0.element.start, -$0.element.end, $0.offset) < ($1.element.start, -$1.element.end, $1.offset)
            }
            .map(\.element)
            var index = 0
            // Sorted by start, then longest first: the next unit is inside the current one when it
            // starts before that one ends (syntax nodes nest; they never overlap in part).
            func take(within end: Int) -> [Unit] {
                var level: [Unit] = []
                while index < ordered.count, ordered[index].start < end, ordered[index].end <= end {
                    var unit = ordered[index]
                    index += 1
                    unit.children = take(within: unit.end)
                    level.append(unit)
                }
                return level
            }
            return take(within: Int.max)
        }

        private mutating func emitInsertions(upTo position: Int) {
            while let first = pending.first, first.position <= position {
                let begin = output.count
                output += Array(first.text.utf8)
                if let id = first.id { placements.append((id, begin, output.count)) }
                pending.removeFirst()
            }
        }

        private mutating func emitSource(_ start: Int, _ end: Int) {
            var cursor = start
            while cursor < end {
                if let next = pending.first, next.position < end {
                    if next.position > cursor {
                        output += source[cursor..<next.position]
                        cursor = next.position
                    }
                    emitInsertions(upTo: cursor)
                } else {
                    output += source[cursor..<end]
                    cursor = end
                }
            }
        }

        private mutating func emit(range start: Int, _ end: Int, _ units: [Unit]) {
            var cursor = start
            // A unit overlapping the one before it in part (not made by the mutator) stays out.
            for unit in units where unit.start >= cursor {
                emitSource(cursor, unit.start)
                emitInsertions(upTo: unit.start)
                emit(unit)
                cursor = unit.end
            }
            emitSource(cursor, end)
        }

        private mutating func emit(_ unit: Unit) {
            let begin = output.count
            let active = "\(SwiftSchema.switchFunction)(\"\(unit.id)\")"
            switch unit.edit.schemaSwitch {
            case .orTrue:
                output += Array("(\(active) || (".utf8)
                emit(range: unit.start, unit.end, unit.children)
                output += Array("))".utf8)
            default:
                // The mutated branch: the original text with this edit alone.
                let mutated =
                    Array(source[unit.start..<unit.edit.start]) + Array(unit.edit.replacement.utf8)
                    + Array(source[unit.edit.end..<unit.end])
                output += Array("(\(active) ? (".utf8) + mutated + Array(") : (".utf8)
                emit(range: unit.start, unit.end, unit.children)
                output += Array("))".utf8)
            }
            placements.append((unit.id, begin, output.count))
        }
    }
}
