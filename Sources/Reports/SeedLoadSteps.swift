/// Where each side of the seed load comparison spent its time, step by step: ours opens its COPY
/// streams, then loads regions, users, and orders with their items (a slice's orders and items
/// share a transaction, so they are one step); psql runs one `\copy` per table.
public struct SeedLoadSteps: Codable, Sendable, Equatable {
    public struct Step: Codable, Sendable, Equatable {
        public var name: String
        public var seconds: Double
        public init(name: String, seconds: Double) {
            self.name = name
            self.seconds = seconds
        }
    }

    public var scale: Int
    public var ours: [Step]
    public var psql: [Step]
    /// Runs of each side, taking turns; the steps are those of each side's median run. Absent in
    /// reports written before the load was run more than once.
    public var runs: Int?

    public init(scale: Int, ours: [Step], psql: [Step], runs: Int? = nil) {
        self.scale = scale
        self.ours = ours
        self.psql = psql
        self.runs = runs
    }

    /// Both sides, one line per step, each side's total last.
    var markdownTable: [String] {
        func rows(_ tool: String, _ steps: [Step]) -> [String] {
            steps.map { String(format: "| %@ | %@ | %.3f |", tool, $0.name, $0.seconds) }
                + [String(format: "| %@ | total | %.3f |", tool, steps.reduce(0) { $0 + $1.seconds })]
        }
        var runs: [String] = []
        if let count = self.runs, count > 1 {
            runs = ["Each side's median run of \(count), taking turns, after one uncounted load of each:", ""]
        }
        return runs + ["| side | step | seconds |", "|---|---|---:|"]
            + rows("citus-verify (parallel COPY)", ours) + rows("psql \\copy", psql)
    }
}
