/// The facts Citus writes into EXPLAIN output, read from its text lines.
public struct ExplainPlan: Sendable, CustomStringConvertible {
    public var lines: [String]

    public init(lines: [String]) { self.lines = lines }

    /// `Custom Scan (Citus Adaptive)`, or nil for a plan Citus did not distribute.
    public var citusExecutor: String? {
        lines.lazy.compactMap { line -> String? in
            guard let range = line.range(of: "Custom Scan (Citus ") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != ")" })
        }.first
    }

    /// The distributed part's `Task Count`, or nil.
    public var taskCount: Int? { value(after: "Task Count: ").flatMap { Int($0) } }

    /// Nodes named by `Node: host=… port=…` lines (the tasks EXPLAIN shows).
    public var taskNodes: [NodeAddress] {
        lines.compactMap { line in
            guard let hostRange = line.range(of: "Node: host="), let portRange = line.range(of: " port=") else {
                return nil
            }
            let host = line[hostRange.upperBound..<portRange.lowerBound]
            let port = line[portRange.upperBound...].prefix { $0.isNumber }
            return Int(port).map { NodeAddress(host: String(host), port: $0) }
        }
    }

    /// Whether rows are repartitioned between nodes (a non-colocated join).
    public var repartitions: Bool { lines.contains { $0.contains("MapMergeJob") } }

    /// Whether part of the query is planned as a separate distributed subplan.
    public var hasSubplan: Bool { lines.contains { $0.contains("Distributed Subplan") } }

    /// The conditions the plan joins, looks rows up or filters rows on (`Hash Cond`, `Merge Cond`,
    /// `Join Filter`, `Index Cond`, `Filter`), each `a op b` with table aliases and casts dropped
    /// and the two sides of `=` in name order: `o.id = i.order_id`, an index's `(id = i.order_id)`
    /// and a nested loop's `Filter: (order_id = o.id)` all read `id = order_id`, whichever plan
    /// the planner picked.
    public var joinConditions: Set<String> {
        var conditions = Set<String>()
        for line in lines {
            // At the start of the line only: "Rows Removed by Join Filter: 2425" is no condition.
            let trimmed = line.drop { $0 == " " }.replacingOccurrences(of: "->  ", with: "")
            guard
                let prefix = ["Hash Cond: ", "Merge Cond: ", "Join Filter: ", "Index Cond: ", "Filter: "]
                    .first(where: { trimmed.hasPrefix($0) })
            else { continue }
            let text = trimmed.dropFirst(prefix.count).filter { $0 != "(" && $0 != ")" }
            for part in text.components(separatedBy: " AND ") {
                let words = part.split(separator: " ").map { word in
                    String((word.split(separator: ".").last ?? word).components(separatedBy: "::")[0])
                }
                guard words.count == 3 else {
                    conditions.insert(words.joined(separator: " "))
                    continue
                }
                let (a, op, b) = (words[0], words[1], words[2])
                conditions.insert(op == "=" && b < a ? "\(b) = \(a)" : "\(a) \(op) \(b)")
            }
        }
        return conditions
    }

    /// Whether the plan joins on every one of `required` and on no other condition that names a
    /// column of them (a filter on something else, a tenant's id, say, does not count).
    public func joins(on required: Set<String>) -> Bool {
        let columns = Set(required.flatMap { $0.split(separator: " ").map(String.init) }.filter { $0 != "=" })
        let others = joinConditions.subtracting(required).filter { condition in
            let words = condition.split(separator: " ").map(String.init)
            return words.count == 3 && (columns.contains(words[0]) || columns.contains(words[2]))
        }
        return required.isSubset(of: joinConditions) && others.isEmpty
    }

    private func value(after prefix: String) -> String? {
        for line in lines {
            if let range = line.range(of: prefix) {
                return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    public var description: String { lines.joined(separator: "\n") }

    /// One line on how the query ran: `Citus Adaptive, 1 task, on worker2` or `PostgreSQL alone`.
    /// `nodeName` turns a task's address into the name a reader knows.
    public func summary(nodeName: (NodeAddress) -> String = { "\($0)" }) -> String {
        guard let executor = citusExecutor else { return "PostgreSQL alone (no Citus executor)" }
        var parts = ["Citus \(executor)"]
        if let taskCount { parts.append(taskCount == 1 ? "1 task" : "\(taskCount) tasks") }
        let nodes = taskNodes.map(nodeName).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        if !nodes.isEmpty { parts.append("shown on " + nodes.joined(separator: ", ")) }
        if repartitions { parts.append("repartitioned between nodes") }
        if hasSubplan { parts.append("with a distributed subplan") }
        return parts.joined(separator: ", ")
    }
}

extension Cluster {
    /// EXPLAIN of `sql`, parsed.
    public func plan(_ sql: String, analyze: Bool = false) throws -> ExplainPlan {
        ExplainPlan(lines: try explain(sql, analyze: analyze))
    }
}
