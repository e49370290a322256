import Foundation

/// How the writers fared during one operation, in a normal run or under an injected fault: what the
/// sign-off's and the benchmark's availability tables show. Kept as figures (not a sentence to parse
/// back), so a reworded evidence line cannot change a table.
public struct AvailabilityRecord: Codable, Sendable, Equatable {
    /// The lifecycle operation ("rebalance", "drain worker1", a shard move).
    public var operation: String
    /// The fault injected during it ("the target worker stopped abruptly, before cutover"); nil in
    /// a normal run.
    public var fault: String?
    /// What the operation itself did: "completed", or "failed: <first line of its error>".
    public var outcome: String
    public var seconds: Double
    /// Writes the database acknowledged (new orders, or transfers).
    public var acknowledged: Int
    /// The longest time without an acknowledged write, in seconds; nil where the workload does not
    /// measure it.
    public var longestWriteStall: Double?
    /// Transactions whose outcome the writer could not know, and how many of those landed.
    public var inDoubt: Int
    public var inDoubtLanded: Int?
    public var errorsBySQLState: [String: Int]
    /// Shard groups the operation moved or split, and how many the acknowledged writes hit (nil when
    /// not measured).
    public var movedShardGroups: Int?
    public var coveredShardGroups: Int?
    /// Acknowledged writes lost, duplicated, changed, or rows written by nobody: 0 when the ledger holds.
    public var violations: Int

    public init(
        operation: String, fault: String? = nil, outcome: String, seconds: Double, acknowledged: Int,
        longestWriteStall: Double?, inDoubt: Int, inDoubtLanded: Int? = nil, errorsBySQLState: [String: Int],
        movedShardGroups: Int? = nil, coveredShardGroups: Int? = nil, violations: Int
    ) {
        self.operation = operation
        self.fault = fault
        self.outcome = outcome
        self.seconds = seconds
        self.acknowledged = acknowledged
        self.longestWriteStall = longestWriteStall
        self.inDoubt = inDoubt
        self.inDoubtLanded = inDoubtLanded
        self.errorsBySQLState = errorsBySQLState
        self.movedShardGroups = movedShardGroups
        self.coveredShardGroups = coveredShardGroups
        self.violations = violations
    }

    /// "completed", or "failed: " and the error's first line (at most 160 characters).
    public static func outcome<T>(of result: Result<T, any Error>) -> String {
        switch result {
        case .success: return "completed"
        case .failure(let error):
            let line = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            return "failed: " + (line.count > 160 ? line.prefix(157) + "..." : line)
        }
    }

    /// Errors as `3× 57P01, 1× connection`, by SQLSTATE; "none" without any.
    public var errorsText: String { LoadReport.describe(errors: errorsBySQLState, examples: [:]) }

    /// "2 of 2", or "-" when not measured.
    public var coverageText: String {
        guard let movedShardGroups, let coveredShardGroups, movedShardGroups > 0 else { return "-" }
        return "\(coveredShardGroups) of \(movedShardGroups)"
    }

    public var stallText: String { longestWriteStall.map { String(format: "%.2f", $0) } ?? "not measured" }

    public var inDoubtText: String { "\(inDoubt)" + (inDoubtLanded.map { inDoubt > 0 ? " (\($0) landed)" : "" } ?? "") }

    /// The Markdown table of `records`, one row each in the order given; with `faults`, the fault
    /// injected in the first column. `verdicts`, when given (one per record), is a last column: the
    /// test's own result.
    public static func markdownTable(_ records: [AvailabilityRecord], faults: Bool, verdicts: [String]? = nil)
        -> [String]
    {
        var out = [
            (faults ? "| fault " : "")
                + """
                | operation | outcome | writes acknowledged | longest write stall (s) | outcomes in doubt | \
                errors by SQLSTATE | shard groups moved that writes hit | acknowledged writes lost or changed |
                """
                + (verdicts == nil ? "" : " test |"),
            (faults ? "|---" : "") + "|---|---|---:|---:|---:|---|---:|---:|" + (verdicts == nil ? "" : "---|"),
        ]
        for (index, r) in records.enumerated() {
            let cells = [
                r.operation, r.outcome, "\(r.acknowledged)", r.stallText, r.inDoubtText, r.errorsText, r.coverageText,
                "\(r.violations)",
            ]
            let verdict = verdicts.map { [$0.indices.contains(index) ? $0[index] : "-"] } ?? []
            out.append(
                "| " + ((faults ? [r.fault ?? "-"] : []) + cells + verdict).map(markdownCell).joined(separator: " | ")
                    + " |")
        }
        return out
    }

    static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}

extension LedgerCheck {
    /// This check's figures as a record, for the operation's `outcome` and the `fault` injected (nil: none).
    public func availability(outcome: String, fault: String? = nil) -> AvailabilityRecord {
        AvailabilityRecord(
            operation: operation, fault: fault, outcome: outcome, seconds: seconds, acknowledged: acknowledged,
            longestWriteStall: longestWriteGap, inDoubt: inDoubt, inDoubtLanded: inDoubtLanded,
            errorsBySQLState: errorsBySQLState,
            movedShardGroups: movedShardGroups > 0 ? movedShardGroups : nil,
            coveredShardGroups: movedShardGroups > 0 ? coveredShardGroups : nil,
            violations: lost.count + duplicated.count + changed.count + unknown.count + orphanItems + reusedIDs.count)
    }
}
