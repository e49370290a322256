import Mutants
import Testing

@Suite("Generated SQL mutants")
struct SQLMutatorTests {
    static let script = """
        -- result: top
        SELECT user_id, sum(amount) AS total
        FROM orders
        WHERE status = 'paid' AND created_at BETWEEN '2025-01-01' AND '2025-02-01' AND user_id < 10
        GROUP BY user_id
        ORDER BY total DESC, user_id
        LIMIT 5;
        BEGIN;
        SELECT citus_drain_node('localhost', 9701, shard_transfer_mode => 'force_logical',
                                rebalance_strategy => 'by_shard_count');
        COMMIT;
        CREATE TABLE t (
            id bigint NOT NULL DEFAULT 1 CHECK (id > 0), r text REFERENCES regions (code), PRIMARY KEY (id));
        """

    func mutants(_ text: String = script) -> [GeneratedMutant] { SQLMutator(file: "sql/x.sql", text: text).mutants() }

    func edited(_ op: MutationOperator, _ text: String = script) throws -> [String] {
        try mutants(text).filter { $0.operator == op.rawValue }.map { try $0.apply(to: text) }
    }

    @Test("every character of a file belongs to one token, dollar-quoted bodies lexed too")
    func lexerKeepsEverything() {
        let text = "DO $$ BEGIN x := 1; END $$;\n-- c\nSELECT ';', \"a\"\"b\" FROM t; /* x */"
        let tokens = SQLLexer(text).tokens()
        #expect(tokens.map(\.text).joined() == text)
        #expect(tokens.contains { $0.inBody && $0.text == "1" })
    }

    @Test("a statement is dropped with its result label; BEGIN/COMMIT and Citus calls by their own operators")
    func dropStatements() throws {
        let dropped = try edited(.dropStatement)
        #expect(dropped.contains { !$0.contains("-- result: top") && !$0.contains("sum(amount)") })
        #expect(try edited(.dropTransaction).count == 2)
        #expect(try edited(.dropCitusCall).count == 1)
    }

    @Test("ORDER BY dropped, each key reversed")
    func orderBy() throws {
        #expect(
            try edited(.dropOrderBy) == [
                Self.script.replacingOccurrences(of: "\nORDER BY total DESC, user_id", with: "")
            ])
        let flipped = try edited(.flipOrderBy)
        #expect(flipped.contains { $0.contains("ORDER BY total, user_id\n") })
        #expect(flipped.contains { $0.contains("ORDER BY total DESC, user_id DESC\n") })
    }

    @Test("each WHERE conjunct dropped, BETWEEN kept whole")
    func whereConjuncts() throws {
        let dropped = try edited(.dropWhereConjunct)
        #expect(dropped.count == 3)
        #expect(
            dropped.contains { $0.contains("WHERE created_at BETWEEN '2025-01-01' AND '2025-02-01' AND user_id < 10") })
        #expect(dropped.contains { $0.contains("WHERE status = 'paid' AND user_id < 10") })
        #expect(dropped.contains { $0.contains("AND '2025-02-01'\nGROUP") })
    }

    @Test("LIMIT, comparisons, numbers, aggregates and Citus arguments")
    func tokens() throws {
        #expect(try edited(.dropLimit).count == 1)
        #expect(Set(try edited(.changeLimit).map { $0.contains("LIMIT 6") || $0.contains("LIMIT 4") }) == [true])
        #expect(try edited(.swapComparison).contains { $0.contains("user_id <= 10") })
        #expect(try edited(.swapAggregate).contains { $0.contains("max(amount)") })
        let swapped = try edited(.swapCitusArgument)
        #expect(
            swapped.contains { $0.contains("'block_writes'") } && swapped.contains { $0.contains("'by_disk_size'") })
        #expect(try edited(.changeNumber).contains { $0.contains("9702") })
    }

    @Test("CREATE TABLE: persistence and every constraint and default")
    func createTable() throws {
        #expect(
            try edited(.changePersistence) == [
                Self.script.replacingOccurrences(of: "CREATE TABLE", with: "CREATE UNLOGGED TABLE")
            ])
        let dropped = try edited(.dropConstraint)
        for gone in [" NOT NULL", " DEFAULT 1", " CHECK (id > 0)", " REFERENCES regions (code)", ", PRIMARY KEY (id)"] {
            #expect(dropped.contains { !$0.contains(gone) }, "\(gone) dropped")
        }
        #expect(dropped.count == 5)
    }

    @Test("a mutant's id stays when another statement changes; applying it to a changed file is an error")
    func stableIDs() throws {
        let before = Set(mutants().filter { $0.line >= 8 }.map(\.id))
        let changed = Self.script.replacingOccurrences(of: "LIMIT 5", with: "LIMIT 7")
        let after = Set(mutants(changed).map(\.id))
        #expect(before.isSubset(of: after))
        let first = try #require(mutants().first)
        #expect(throws: GeneratedMutantError.self) { try first.apply(to: "SELECT 1;") }
    }
}

@Suite("Generated Swift mutants")
struct SwiftMutatorTests {
    static let source = """
        struct Check {
            var items: [Int]
            var isEmpty: Bool { items.count == 0 }
            func holds(_ limit: Int) -> Bool {
                guard limit > 0 && !items.isEmpty else { return false }
                for i in 0..<items.count where items[i] != 0 { _ = i }
                return items.filter { $0 < limit }.count == items.count
            }
        }
        """

    @Test("every operator finds its place in the syntax tree")
    func operators() throws {
        let mutants = SwiftMutator(file: "Sources/X/Check.swift", text: Self.source).mutants()
        func edited(_ op: MutationOperator) throws -> [String] {
            try mutants.filter { $0.operator == op.rawValue }.map { try $0.apply(to: Self.source) }
        }
        #expect(try edited(.swapEquality).contains { $0.contains("items.count != 0") })
        #expect(try edited(.swapLogical).contains { $0.contains("limit > 0 || !items.isEmpty") })
        #expect(try edited(.swapOrdering).contains { $0.contains("$0 <= limit") })
        #expect(try edited(.negateCondition).contains { $0.contains("guard !(limit > 0 && !items.isEmpty)") })
        #expect(try edited(.constantBool).contains { $0.contains("var isEmpty: Bool { return true }") })
        #expect(try edited(.constantBool).filter { $0.contains("return false\n    }") }.count == 1)
        #expect(try edited(.dropFilter).contains { $0.contains("return items.count == items.count") })
        #expect(try edited(.dropFilter).contains { $0.contains("for i in 0..<items.count {") })
        #expect(try edited(.offByOne).contains { $0.contains("0...items.count") })
    }

    @Test("a mutant keeps its id when its file is formatted, and gets a new one when its declaration's code changes")
    func idsSurviveFormatting() {
        func ids(_ text: String) -> Set<String> {
            Set(SwiftMutator(file: "Sources/X/Check.swift", text: text).mutants().map(\.id))
        }
        let formatted = Self.source
            .replacingOccurrences(of: "limit > 0 && !items.isEmpty", with: "limit > 0\n            && !items.isEmpty")
            .replacingOccurrences(of: "{ items.count == 0 }", with: "{\n        items.count == 0  // none\n    }")
            .replacingOccurrences(of: "0..<items.count", with: "0 ..< items.count")
        #expect(ids(formatted) == ids(Self.source))
        let recoded = Self.source.replacingOccurrences(of: "guard limit > 0", with: "guard limit > 1")
        #expect(ids(recoded).intersection(ids(Self.source)).count < ids(Self.source).count)
        // A wrapped collection gains a trailing comma; a statement may end in a semicolon.
        let listed = """
            func allowed(_ x: Int) -> Bool {
                let limits = [1, 2]
                return limits.contains { $0 == x } && !(x > 0)
            }
            """
        let wrapped = """
            func allowed(_ x: Int) -> Bool {
                let limits = [
                    1,
                    2,
                ];
                return limits.contains { $0 == x }
                    && !(x  >  0)  // the allowed ones
            }
            """
        #expect(!ids(listed).isEmpty)
        #expect(ids(wrapped) == ids(listed))
    }
}
