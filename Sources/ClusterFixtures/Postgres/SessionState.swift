/// A session's temporary tables and functions and its settings made with SET, each as a line
/// ("temporary table seed_items", "setting citus.enable_repartition_joins = on"). Placeholder
/// settings (a prefix no loaded library defines, such as `citus_verify.seed`) are not listed by
/// PostgreSQL, so not here either.
struct SessionState {
    var items: Set<String>

    /// What is here and was not before, sorted.
    func left(since before: SessionState) -> [String] { items.subtracting(before.items).sorted() }
}
