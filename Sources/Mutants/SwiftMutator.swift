import SwiftParser
import SwiftSyntax

/// Makes the generated mutants of one Swift file from its syntax tree (swift-syntax), not from
/// text patterns: conditions negated, `==`/`!=`, `&&`/`||` and `<`/`<=` swapped, Bool functions and
/// properties returning a constant, `filter` calls and `where` clauses dropped, ranges off by one.
public struct SwiftMutator {
    public let file: String
    public let text: String

    public init(file: String, text: String) {
        self.file = file
        self.text = text
    }

    public func mutants() -> [GeneratedMutant] { placedMutants().map(\.mutant) }

    /// Each mutant with the edit that makes it, in UTF-8 offsets, and where a schema can switch it.
    func placedMutants() -> [(mutant: GeneratedMutant, edit: SwiftEdit)] {
        let tree = Parser.parse(source: text)
        let visitor = MutantVisitor(viewMode: .sourceAccurate)
        visitor.walk(tree)
        let utf8 = Array(text.utf8)
        /// UTF-8 offsets (swift-syntax) to character offsets (GeneratedMutant).
        func characterOffset(_ utf8Offset: Int) -> Int {
            String(decoding: utf8[0..<utf8Offset], as: UTF8.self).count
        }
        var seen = Set<String>()
        var result: [(mutant: GeneratedMutant, edit: SwiftEdit)] = []
        for edit in visitor.edits {
            let start = characterOffset(edit.start)
            let end = characterOffset(edit.end)
            let original = String(decoding: utf8[edit.start..<edit.end], as: UTF8.self)
            let id = GeneratedMutant.makeID(
                prefix: "swift", file: file, operator: edit.op.rawValue, context: edit.context,
                offsetInContext: edit.offsetInContext, replacement: Self.code(edit.replacement))
            guard original != edit.replacement, seen.insert(id).inserted else { continue }
            result.append(
                (
                    GeneratedMutant(
                        id: id, file: file, line: text.line(atCharacterOffset: start), operator: edit.op.rawValue,
                        original: original, replacement: edit.replacement, start: start, end: end), edit
                ))
        }
        return result
    }
}

extension SwiftMutator {
    /// What a mutant's id is made of: a token's text, unless it is one a formatter adds or drops
    /// (a trailing comma, a semicolon) or the end of the file. Trivia (spaces, line breaks,
    /// comments) is never part of a token's text.
    static func isCode(_ token: TokenSyntax) -> Bool {
        !token.text.isEmpty && token.tokenKind != .comma && token.tokenKind != .semicolon
    }

    /// `text`'s tokens as `isCode` keeps them, one space apart: the same for any formatting of the same code.
    static func code(_ text: String) -> String {
        Parser.parse(source: text).tokens(viewMode: .sourceAccurate).filter(isCode).map(\.text).joined(separator: " ")
    }
}

/// One operator's edit of a Swift file (UTF-8 offsets), with where a schema switches it on.
struct SwiftEdit {
    /// How a schema (every mutant of a file compiled in at once) makes the edit only when its
    /// mutant is the active one.
    enum Switch {
        /// The expression `start..<end` becomes `(active ? (mutated) : (original))`.
        case choice(start: Int, end: Int)
        /// A `where` clause's condition `start..<end` becomes `(active || (original))`: dropped.
        case orTrue(start: Int, end: Int)
        /// A body returns a constant first: `if active { return c }` before `at`; `returnAt` is a
        /// single-expression body's expression, which then needs its `return` said.
        case earlyReturn(at: Int, returnAt: Int?)
    }

    var op: MutationOperator
    var start: Int
    var end: Int
    var replacement: String
    /// The enclosing declaration's code (`SwiftMutator.code`) and the number of its tokens before
    /// the edit: a mutant keeps its id when the file is formatted.
    var context: String
    var offsetInContext: Int
    /// Nil where no switch can hold both versions: `..<` and `...` make ranges of two types.
    var schemaSwitch: Switch?
}

/// Walks a file and records each edit an operator makes, with the declaration it sits in (its
/// tokens make the mutant's id stable against edits elsewhere in the file and against formatting).
private final class MutantVisitor: SyntaxVisitor {
    var edits: [SwiftEdit] = []

    /// The node replaced; a schema chooses between the node and its replacement.
    private func add(_ op: MutationOperator, _ node: some SyntaxProtocol, _ replacement: String) {
        let start = node.positionAfterSkippingLeadingTrivia.utf8Offset
        let end = node.endPositionBeforeTrailingTrivia.utf8Offset
        add(op, start: start, end: end, replacement, near: Syntax(node), switch: .choice(start: start, end: end))
    }

    private func add(
        _ op: MutationOperator, start: Int, end: Int, _ replacement: String, near node: Syntax,
        switch schemaSwitch: SwiftEdit.Switch?
    ) {
        // The enclosing declaration (function, property, type) names the context.
        var context: Syntax = node
        while let parent = context.parent,
            !(context.is(FunctionDeclSyntax.self) || context.is(VariableDeclSyntax.self)
                || context.is(InitializerDeclSyntax.self))
        {
            context = parent
        }
        let tokens = context.tokens(viewMode: .sourceAccurate).filter(SwiftMutator.isCode)
        edits.append(
            SwiftEdit(
                op: op, start: start, end: end, replacement: replacement,
                context: tokens.map(\.text).joined(separator: " "),
                offsetInContext: tokens.count { $0.positionAfterSkippingLeadingTrivia.utf8Offset < start },
                schemaSwitch: schemaSwitch))
    }

    // Conditions of if, guard and while: negated.
    override func visit(_ node: ConditionElementSyntax) -> SyntaxVisitorContinueKind {
        if case .expression(let expression) = node.condition {
            add(.negateCondition, expression, "!(\(expression.trimmedDescription))")
        }
        return .visitChildren
    }

    // Binary operators.
    override func visit(_ node: BinaryOperatorExprSyntax) -> SyntaxVisitorContinueKind {
        let swaps: [String: (MutationOperator, String)] = [
            "==": (.swapEquality, "!="), "!=": (.swapEquality, "=="),
            "&&": (.swapLogical, "||"), "||": (.swapLogical, "&&"),
            "<": (.swapOrdering, "<="), "<=": (.swapOrdering, "<"), ">": (.swapOrdering, ">="),
            ">=": (.swapOrdering, ">"),
            "..<": (.offByOne, "..."), "...": (.offByOne, "..<"),
        ]
        if let (op, replacement) = swaps[node.operator.text] {
            // The whole operator sequence the operator sits in is what a schema chooses between.
            let sequence = node.parent?.parent?.as(SequenceExprSyntax.self).map(Syntax.init) ?? Syntax(node)
            let choice = SwiftEdit.Switch.choice(
                start: sequence.positionAfterSkippingLeadingTrivia.utf8Offset,
                end: sequence.endPositionBeforeTrailingTrivia.utf8Offset)
            add(
                op, start: node.operator.positionAfterSkippingLeadingTrivia.utf8Offset,
                end: node.operator.endPositionBeforeTrailingTrivia.utf8Offset,
                replacement, near: Syntax(node), switch: op == .offByOne ? nil : choice)
        }
        return .visitChildren
    }

    // Bool functions: the body returns a constant.
    override func visit(_ node: FunctionDeclSyntax) -> SyntaxVisitorContinueKind {
        if let returnType = node.signature.returnClause?.type.trimmedDescription, returnType == "Bool",
            let body = node.body
        {
            constantBodies(body.statements, near: Syntax(node))
        }
        return .visitChildren
    }

    // Bool computed properties: the getter returns a constant.
    override func visit(_ node: PatternBindingSyntax) -> SyntaxVisitorContinueKind {
        if node.typeAnnotation?.type.trimmedDescription == "Bool", let accessors = node.accessorBlock {
            switch accessors.accessors {
            case .getter(let statements):
                constantBodies(statements, near: Syntax(node))
            case .accessors(let list):
                if let getter = list.first(where: { $0.accessorSpecifier.text == "get" }), let body = getter.body {
                    constantBodies(body.statements, near: Syntax(node))
                }
            }
        }
        return .visitChildren
    }

    private func constantBodies(_ statements: CodeBlockItemListSyntax, near node: Syntax) {
        guard let first = statements.first, let last = statements.last else { return }
        let start = first.positionAfterSkippingLeadingTrivia.utf8Offset
        let end = last.endPositionBeforeTrailingTrivia.utf8Offset
        // A body of one expression returns it implicitly; with a statement before it, it must say
        // `return` (unless it is an if or switch that returns from its branches).
        var returnAt: Int?
        if statements.count == 1, case .expr(let expression) = first.item, !Self.returnsItself(expression) {
            returnAt = start
        }
        for constant in ["true", "false"] {
            add(
                .constantBool, start: start, end: end, "return \(constant)", near: node,
                switch: .earlyReturn(at: start, returnAt: returnAt))
        }
    }

    /// Whether an expression has a `return` of its own (an if or switch whose branches return), not
    /// counting the returns of closures inside it.
    static func returnsItself(_ expression: ExprSyntax) -> Bool {
        expression.tokens(viewMode: .sourceAccurate).contains { token in
            guard token.tokenKind == .keyword(.return) else { return false }
            var node = token.parent
            while let current = node, current.id != expression.id {
                if current.is(ClosureExprSyntax.self) { return false }
                node = current.parent
            }
            return true
        }
    }

    // `.filter { … }` dropped: the call becomes its base.
    override func visit(_ node: FunctionCallExprSyntax) -> SyntaxVisitorContinueKind {
        if let member = node.calledExpression.as(MemberAccessExprSyntax.self),
            member.declName.baseName.text == "filter",
            let base = member.base
        {
            add(.dropFilter, node, base.trimmedDescription)
        }
        return .visitChildren
    }

    // `for … where …`: the where clause dropped.
    override func visit(_ node: ForStmtSyntax) -> SyntaxVisitorContinueKind {
        if let clause = node.whereClause {
            let condition = clause.condition
            add(
                .dropFilter, start: clause.positionAfterSkippingLeadingTrivia.utf8Offset,
                end: clause.endPosition.utf8Offset, "",
                near: Syntax(clause),
                switch: .orTrue(
                    start: condition.positionAfterSkippingLeadingTrivia.utf8Offset,
                    end: condition.endPositionBeforeTrailingTrivia.utf8Offset))
        }
        return .visitChildren
    }
}
