/// The operators that make generated mutants. Each is a kind of mistake a person editing the SQL
/// files or the oracles could make; applied to every place it fits, so nobody picks the mutants.
public enum MutationOperator: String, CaseIterable, Codable, Sendable {
    // SQL
    /// Drop a whole statement (a `-- result:` label before it goes with it).
    case dropStatement = "drop-statement"
    /// Drop `BEGIN` or `COMMIT`.
    case dropTransaction = "drop-begin-commit"
    /// Drop a `SELECT`/`CALL` statement whose work is a Citus function.
    case dropCitusCall = "drop-citus-call"
    case dropOrderBy = "drop-order-by"
    /// Reverse one `ORDER BY` key (`DESC` added or removed).
    case flipOrderBy = "flip-order-by"
    case dropLimit = "drop-limit"
    case changeLimit = "change-limit"
    /// `<` ↔ `<=`, `>` ↔ `>=`, `=` ↔ `<>`.
    case swapComparison = "swap-comparison"
    /// A numeric literal plus one.
    case changeNumber = "change-number"
    /// A Citus argument value replaced by a sibling (transfer mode, strategy, boolean).
    case swapCitusArgument = "swap-citus-argument"
    /// `sum`/`max`/`min`/`avg`/`count` replaced by another aggregate.
    case swapAggregate = "swap-aggregate"
    /// One conjunct of a `WHERE` dropped (the whole `WHERE` when it has one).
    case dropWhereConjunct = "drop-where-conjunct"
    /// `CREATE TABLE` → `CREATE UNLOGGED TABLE`.
    case changePersistence = "change-persistence"
    /// One constraint or default of a `CREATE TABLE` dropped.
    case dropConstraint = "drop-constraint"
    // Swift
    case negateCondition = "negate-condition"
    /// `==` ↔ `!=`.
    case swapEquality = "swap-equality"
    /// `&&` ↔ `||`.
    case swapLogical = "swap-logical"
    /// `<` ↔ `<=`, `>` ↔ `>=`.
    case swapOrdering = "swap-ordering"
    /// A Bool-returning function or property returns a constant.
    case constantBool = "constant-bool"
    /// `.filter { … }` / `where` clause dropped.
    case dropFilter = "drop-filter"
    /// `..<` ↔ `...`.
    case offByOne = "off-by-one"

    public var isSQL: Bool {
        switch self {
        case .negateCondition, .swapEquality, .swapLogical, .swapOrdering, .constantBool, .dropFilter, .offByOne: false
        default: true
        }
    }
}
