/// Makes the generated mutants of one SQL file: every operator of `MutationOperator` that is an
/// SQL operator, applied to every place in the file where it fits.
public struct SQLMutator {
    public let file: String
    public let text: String
    private let tokens: [SQLToken]

    /// `file` relative to the project root (it names the mutants), `text` its content.
    public init(file: String, text: String) {
        self.file = file
        self.text = text
        tokens = SQLLexer(text).tokens()
    }

    /// A statement: token indices of its first and last code tokens (the last is its `;`, if any).
    struct Statement {
        var first: Int
        var last: Int
        /// Where a drop of the statement starts: its `-- result:` label when it has one.
        var dropStart: Int
    }

    public func mutants() -> [GeneratedMutant] {
        var result: [GeneratedMutant] = []
        var seen = Set<String>()
        for statement in statements() {
            for mutant in mutants(of: statement) where seen.insert(mutant.id).inserted {
                result.append(mutant)
            }
        }
        return result
    }

    // MARK: Statements

    func statements() -> [Statement] {
        var statements: [Statement] = []
        var first: Int?
        var pendingLabel: Int?
        for (index, token) in tokens.enumerated() {
            if token.kind == .comment, first == nil,
                token.text.dropFirst(2).trimmingCharacters(in: .whitespaces).hasPrefix("result:")
            {
                pendingLabel = token.start
            }
            if token.isTrivia { continue }
            if first == nil { first = index }
            if token.kind == .punctuation, token.text == ";", token.depth == 0, !token.inBody, let start = first {
                statements.append(Statement(first: start, last: index, dropStart: pendingLabel ?? tokens[start].start))
                first = nil
                pendingLabel = nil
            }
        }
        if let start = first, let last = tokens.lastIndex(where: { !$0.isTrivia }) {
            statements.append(Statement(first: start, last: last, dropStart: pendingLabel ?? tokens[start].start))
        }
        return statements
    }

    private func mutants(of statement: Statement) -> [GeneratedMutant] {
        let indices = Array(statement.first...statement.last)
        let code = indices.filter { !tokens[$0].isTrivia }
        let context = code.map { tokens[$0].text }.joined(separator: " ")
        let statementStart = tokens[statement.first].start
        var out: [GeneratedMutant] = []
        func add(_ op: MutationOperator, _ start: Int, _ end: Int, _ replacement: String) {
            let original = String(Array(text)[start..<end])
            guard original != replacement else { return }
            out.append(
                GeneratedMutant(
                    id: GeneratedMutant.makeID(
                        prefix: "sql", file: file, operator: op.rawValue, context: context,
                        offsetInContext: start - statementStart, replacement: replacement),
                    file: file, line: text.line(atCharacterOffset: start), operator: op.rawValue,
                    original: original, replacement: replacement, start: start, end: end))
        }
        /// The next code token after `index` within the statement.
        func nextCode(_ index: Int) -> Int? { code.first { $0 > index } }
        func previousCode(_ index: Int) -> Int? { code.last { $0 < index } }
        func keyword(_ index: Int?) -> String? { index.flatMap { tokens[$0].keyword } }
        /// Start of the edit that removes tokens from `index` on, with the whitespace before it.
        func startWithSpace(_ index: Int) -> Int {
            index > 0 && tokens[index - 1].kind == .whitespace && index - 1 >= statement.first
                ? tokens[index - 1].start : tokens[index].start
        }
        /// The `)` that closes the `(` at `index`.
        func closing(_ index: Int) -> Int? {
            let open = tokens[index]
            return indices.first {
                $0 > index && tokens[$0].text == ")" && tokens[$0].depth == open.depth
                    && tokens[$0].inBody == open.inBody
            }
        }
        /// The end of a clause starting at `index`: the last code token before a token at the
        /// clause's depth whose keyword is in `stops`, a `)` closing an outer group, or a `;`.
        func clauseEnd(from index: Int, stops: Set<String>) -> Int {
            let depth = tokens[index].depth
            let inBody = tokens[index].inBody
            var last = index
            for i in code where i > index {
                let t = tokens[i]
                if t.inBody != inBody { break }
                if t.text == ")" && t.depth < depth { break }
                if t.depth == depth && (t.text == ";" || (t.keyword.map(stops.contains) ?? false)) { break }
                if t.depth == depth && t.kind == .punctuation && t.text == "," && stops.contains(",") { break }
                last = i
            }
            return last
        }

        // Drop the statement.
        let firstKeyword = keyword(statement.first) ?? ""
        let op: MutationOperator
        if ["BEGIN", "COMMIT", "START", "ROLLBACK", "END"].contains(firstKeyword) {
            op = .dropTransaction
        } else if ["SELECT", "CALL"].contains(firstKeyword),
            code.contains(where: { isCitusFunction($0, nextCode: nextCode) })
        {
            op = .dropCitusCall
        } else {
            op = .dropStatement
        }
        add(op, statement.dropStart, tokens[statement.last].end, "")

        for i in code {
            let t = tokens[i]
            let kw = t.keyword
            // ORDER BY: drop the clause; reverse each key.
            if kw == "ORDER", let by = nextCode(i), keyword(by) == "BY" {
                let end = clauseEnd(
                    from: i,
                    stops: ["LIMIT", "OFFSET", "FETCH", "UNION", "EXCEPT", "INTERSECT", "FOR", "ROWS", "RANGE"])
                add(.dropOrderBy, startWithSpace(i), tokens[end].end, "")
                var keyStart = nextCode(by)
                while let startIndex = keyStart, startIndex <= end {
                    let keyEnd = code.first {
                        $0 > startIndex && $0 <= end && tokens[$0].text == "," && tokens[$0].depth == t.depth
                    }
                    let lastOfKey = keyEnd.flatMap(previousCode) ?? end
                    let keyTokens = code.filter { $0 >= startIndex && $0 <= lastOfKey && tokens[$0].depth == t.depth }
                    if let desc = keyTokens.first(where: { keyword($0) == "DESC" }) {
                        add(.flipOrderBy, startWithSpace(desc), tokens[desc].end, "")
                    } else if let asc = keyTokens.first(where: { keyword($0) == "ASC" }) {
                        add(.flipOrderBy, tokens[asc].start, tokens[asc].end, "DESC")
                    } else if let nulls = keyTokens.first(where: { keyword($0) == "NULLS" }) {
                        add(.flipOrderBy, tokens[nulls].start, tokens[nulls].start, "DESC ")
                    } else {
                        add(.flipOrderBy, tokens[lastOfKey].end, tokens[lastOfKey].end, " DESC")
                    }
                    keyStart = keyEnd.flatMap(nextCode)
                }
            }
            // LIMIT n: drop it, change n.
            if kw == "LIMIT", let n = nextCode(i), tokens[n].kind == .number, let value = Int(tokens[n].text) {
                add(.dropLimit, startWithSpace(i), tokens[n].end, "")
                add(.changeLimit, tokens[n].start, tokens[n].end, String(value + 1))
                if value > 1 { add(.changeLimit, tokens[n].start, tokens[n].end, String(value - 1)) }
            }
            // Comparison operators.
            if t.kind == .operator,
                let swapped = ["<": "<=", "<=": "<", ">": ">=", ">=": ">", "=": "<>", "<>": "=", "!=": "="][t.text]
            {
                add(.swapComparison, t.start, t.end, swapped)
            }
            // Numeric literals (a LIMIT's is the LIMIT operators').
            if t.kind == .number, keyword(previousCode(i)) != "LIMIT", let value = Int(t.text) {
                add(.changeNumber, t.start, t.end, String(value + 1))
            }
            // Citus argument values and the settings Citus reads.
            if t.kind == .string || t.kind == .word {
                let bare = t.kind == .string ? String(t.text.dropFirst().dropLast()) : t.text.lowercased()
                for family in Self.argumentFamilies where family.contains(bare) {
                    if t.kind == .word, previousCode(i).map({ tokens[$0].text }) != "=>" { continue }
                    for sibling in family where sibling != bare {
                        add(.swapCitusArgument, t.start, t.end, t.kind == .string ? "'\(sibling)'" : sibling)
                    }
                }
            }
            // Aggregates.
            if t.kind == .word, let open = nextCode(i), tokens[open].text == "(",
                let name = Optional(t.text.lowercased()),
                let replacement = ["sum": "max", "max": "min", "min": "max", "avg": "sum", "count": "sum"][name]
            {
                if name == "count", let inner = nextCode(open), tokens[inner].text == "*" {
                } else {
                    add(.swapAggregate, t.start, t.end, replacement)
                }
            }
            // WHERE: drop each conjunct (the whole clause when it has one).
            if kw == "WHERE" {
                let end = clauseEnd(
                    from: i,
                    stops: [
                        "GROUP", "ORDER", "LIMIT", "HAVING", "RETURNING", "UNION", "EXCEPT", "INTERSECT",
                        "WINDOW", "OFFSET", "FETCH", "FOR", "ON", "DO",
                    ])
                var conjuncts: [(first: Int, last: Int)] = []
                var currentFirst = nextCode(i)
                var inBetween = false
                for j in code where j > i && j <= end && tokens[j].depth == t.depth {
                    if keyword(j) == "BETWEEN" {
                        inBetween = true
                        continue
                    }
                    if keyword(j) == "AND" {
                        if inBetween {
                            inBetween = false
                            continue
                        }
                        if let first = currentFirst, let last = previousCode(j) { conjuncts.append((first, last)) }
                        currentFirst = nextCode(j)
                    }
                }
                if let first = currentFirst, first <= end { conjuncts.append((first, end)) }
                if conjuncts.count <= 1 {
                    add(.dropWhereConjunct, startWithSpace(i), tokens[end].end, "")
                } else {
                    for (n, c) in conjuncts.enumerated() {
                        if n == 0 {
                            add(.dropWhereConjunct, tokens[c.first].start, tokens[conjuncts[1].first].start, "")
                        } else {
                            add(.dropWhereConjunct, tokens[conjuncts[n - 1].last].end, tokens[c.last].end, "")
                        }
                    }
                }
            }
        }

        // CREATE TABLE: persistence and constraints.
        if firstKeyword == "CREATE", let second = nextCode(statement.first) {
            var tableKeyword = second
            if ["TEMP", "TEMPORARY", "UNLOGGED"].contains(keyword(second) ?? ""), let third = nextCode(second) {
                tableKeyword = third
            }
            if keyword(tableKeyword) == "TABLE" {
                if tableKeyword == second {
                    add(.changePersistence, tokens[second].start, tokens[second].start, "UNLOGGED ")
                } else {
                    add(.changePersistence, tokens[second].start, tokens[tableKeyword].start, "")
                }
                if let name = nextCode(tableKeyword), let open = nextCode(name), tokens[open].text == "(",
                    let close = closing(open)
                {
                    constraintMutants(
                        open: open, close: close, code: code, add: add, startWithSpace: startWithSpace,
                        closing: closing, nextCode: nextCode, previousCode: previousCode)
                }
            }
        }
        return out
    }

    /// The constraints and defaults in a `CREATE TABLE`'s column list, each dropped.
    private func constraintMutants(
        open: Int, close: Int, code: [Int], add: (MutationOperator, Int, Int, String) -> Void,
        startWithSpace: (Int) -> Int, closing: (Int) -> Int?, nextCode: (Int) -> Int?,
        previousCode: (Int) -> Int?
    ) {
        let depth = tokens[open].depth + 1
        var elements: [[Int]] = [[]]
        for i in code where i > open && i < close {
            if tokens[i].depth == depth && tokens[i].text == "," {
                elements.append([])
                continue
            }
            elements[elements.count - 1].append(i)
        }
        let tableConstraintStarts: Set<String> = ["PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT", "EXCLUDE"]
        for (n, element) in elements.enumerated() where !element.isEmpty {
            let firstKeyword = tokens[element[0]].keyword ?? ""
            if tableConstraintStarts.contains(firstKeyword) {
                // Drop the element with the comma before it.
                if n > 0, let previousLast = elements[n - 1].last {
                    add(.dropConstraint, tokens[previousLast].end, tokens[element.last!].end, "")
                }
                continue
            }
            let top = element.filter { tokens[$0].depth == depth }
            var k = 0
            while k < top.count {
                let index = top[k]
                switch tokens[index].keyword {
                case "NOT" where k + 1 < top.count && tokens[top[k + 1]].keyword == "NULL":
                    add(.dropConstraint, startWithSpace(index), tokens[top[k + 1]].end, "")
                    k += 2
                    continue
                case "PRIMARY" where k + 1 < top.count && tokens[top[k + 1]].keyword == "KEY":
                    add(.dropConstraint, startWithSpace(index), tokens[top[k + 1]].end, "")
                    k += 2
                    continue
                case "UNIQUE":
                    add(.dropConstraint, startWithSpace(index), tokens[index].end, "")
                case "CHECK":
                    if let open = nextCode(index), tokens[open].text == "(", let end = closing(open) {
                        add(.dropConstraint, startWithSpace(index), tokens[end].end, "")
                    }
                case "REFERENCES":
                    if let table = nextCode(index) {
                        var end = table
                        if let open = nextCode(table), tokens[open].text == "(", let close = closing(open) {
                            end = close
                        }
                        add(.dropConstraint, startWithSpace(index), tokens[end].end, "")
                    }
                case "DEFAULT":
                    // The default expression runs to the next constraint keyword or the element's end.
                    let stops: Set<String> = [
                        "NOT", "NULL", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES", "CONSTRAINT", "GENERATED",
                    ]
                    var end = index
                    for j in element where j > index {
                        if tokens[j].depth == depth, let kw = tokens[j].keyword, stops.contains(kw) { break }
                        end = j
                    }
                    if end > index { add(.dropConstraint, startWithSpace(index), tokens[end].end, "") }
                default:
                    break
                }
                k += 1
            }
        }
    }

    /// A word that calls one of Citus's functions.
    private func isCitusFunction(_ index: Int, nextCode: (Int) -> Int?) -> Bool {
        let t = tokens[index]
        guard t.kind == .word, let open = nextCode(index), tokens[open].text == "(" else { return false }
        let name = t.text.lowercased()
        return name.hasPrefix("citus_") || Self.citusFunctions.contains(name)
    }

    static let citusFunctions: Set<String> = [
        "create_distributed_table", "create_reference_table", "undistribute_table", "isolate_tenant_to_new_shard",
        "rebalance_table_shards", "truncate_local_data_after_distributing_table", "replicate_reference_tables",
        "alter_distributed_table", "master_move_shard_placement", "recover_prepared_transactions",
    ]

    /// Values that take one another's place: a mistake in a Citus argument or a setting it reads.
    static let argumentFamilies: [[String]] = [
        ["auto", "force_logical", "block_writes"],
        ["by_shard_count", "by_disk_size"],
        ["true", "false"],
        ["sequential", "parallel"],
    ]
}
