import Foundation

/// How one generated mutant fared.
public struct GeneratedMutantOutcome: Codable, Sendable {
    public enum Verdict: String, Codable, Sendable {
        /// A test failed (or the mutated run could not complete).
        case killed
        /// Every test that reads what the mutant touches passed.
        case survived
        /// Listed in `mutations/equivalent.json`, not run.
        case equivalent
        /// The mutated Swift does not compile: not a program, so not counted.
        case stillborn
    }

    public var mutant: GeneratedMutant
    public var verdict: Verdict
    /// The first failing test with its message, the reason of an equivalent mutant, or what ran.
    public var detail: String
    /// The test targets run against it.
    public var targets: [String]
    public var seconds: Double
    /// When the run that judged it ended, if that was an earlier run than the report's (a resumed
    /// run carries the outcomes it did not run again).
    public var carriedFrom: String?

    public init(mutant: GeneratedMutant, verdict: Verdict, detail: String, targets: [String], seconds: Double) {
        self.mutant = mutant
        self.verdict = verdict
        self.detail = detail
        self.targets = targets
        self.seconds = seconds
    }
}

/// `reports/mutate/generated.md` and `.json`: every mutant, the score overall, per file and per
/// operator, and the speed of the run.
public struct GeneratedMutationReport: Codable, Sendable {
    public var outcomes: [GeneratedMutantOutcome]
    public var seconds: Double
    /// How many mutants the full set has, when this run was a sample of it.
    public var generated: Int
    /// The sample's seed, when the run was a sample.
    public var sampleSeed: String?
    /// When the run ended (ISO 8601).
    public var finished: String?

    public init(outcomes: [GeneratedMutantOutcome], seconds: Double, generated: Int, sampleSeed: String?) {
        self.outcomes = outcomes
        self.seconds = seconds
        self.generated = generated
        self.sampleSeed = sampleSeed
    }

    /// Killed out of the mutants that count (killed, survived and equivalent; stillborn ones are
    /// not programs). Equivalent mutants count as not killed in the score but are listed apart.
    public static func score(_ outcomes: [GeneratedMutantOutcome]) -> (killed: Int, counted: Int) {
        let counted = outcomes.filter { $0.verdict != .stillborn && $0.verdict != .equivalent }
        return (counted.filter { $0.verdict == .killed }.count, counted.count)
    }

    public var survivors: [GeneratedMutantOutcome] { outcomes.filter { $0.verdict == .survived } }

    /// What a resumed run takes from this (an earlier) report, given the ids the generators make
    /// now and those the new run chose: every outcome of a mutant still generated that the new run
    /// will not judge again, marked with when it was judged. A chosen mutant is judged again
    /// unless it was killed (a survivor or an equivalent one is always looked at anew); with
    /// `rejudgeKilled` every chosen one is, kills too (the tests that killed them have changed).
    public func carried(generated: Set<String>, chosen: Set<String>, rejudgeKilled: Bool = false)
        -> [GeneratedMutantOutcome]
    {
        outcomes.filter {
            generated.contains($0.mutant.id)
                && (!chosen.contains($0.mutant.id) || (!rejudgeKilled && $0.verdict == .killed))
        }
        .map { outcome in
            var carried = outcome
            carried.carriedFrom = outcome.carriedFrom ?? finished ?? "a run stopped before its end"
            return carried
        }
    }

    public var markdown: String {
        func rate(_ group: [GeneratedMutantOutcome]) -> String {
            let (killed, counted) = Self.score(group)
            return "\(killed) of \(counted)" + (counted == 0 ? "" : " (\(100 * killed / counted)%)")
        }
        func count(_ verdict: GeneratedMutantOutcome.Verdict, in group: [GeneratedMutantOutcome]) -> Int {
            group.filter { $0.verdict == verdict }.count
        }
        let run = outcomes.filter { $0.verdict != .equivalent && $0.carriedFrom == nil }
        let carried = outcomes.filter { $0.carriedFrom != nil }
        let perMinute = seconds > 0 ? Double(run.count) / (seconds / 60) : 0
        var md = "# Generated mutants\n\n"
        md +=
            "Killed: \(rate(outcomes)); survived \(survivors.count), equivalent \(count(.equivalent, in: outcomes)) "
            + "(mutations/equivalent.json), stillborn \(count(.stillborn, in: outcomes)) (do not compile).\n\n"
        md +=
            "Run: \(outcomes.count - carried.count) of \(generated) generated mutants"
            + (sampleSeed.map { ", a sample drawn with seed \($0)" } ?? "")
            + ", in \(Int(seconds)) s (\((perMinute * 10).rounded() / 10) mutants per minute)"
            + (carried.isEmpty
                ? ""
                : "; \(carried.count) more carried from earlier runs (`--resume`: killed there, or not chosen now)")
            + (finished.map { "; ended \($0)" }
                ?? "; still running, or stopped before its end (`--resume` continues it)") + ".\n\n"
        for (title, key) in [
            ("file", { (o: GeneratedMutantOutcome) in o.mutant.file }), ("operator", { $0.mutant.operator }),
        ] {
            md += "| \(title) | killed | survived | equivalent |\n|---|---|---|---|\n"
            for (name, group) in Dictionary(grouping: outcomes, by: key).sorted(by: { $0.key < $1.key }) {
                md +=
                    "| \(name) | \(rate(group)) | \(count(.survived, in: group)) | \(count(.equivalent, in: group)) |\n"
            }
            md += "\n"
        }
        md +=
            """
            | id | file:line | operator | mutant | outcome | killing test or reason | s \
            |\n|---|---|---|---|---|---|---|\n
            """
        for o in outcomes {
            func cell(_ s: String) -> String {
                s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            }
            let verdict =
                (o.verdict == .survived ? "**survived**" : o.verdict.rawValue)
                + (o.carriedFrom.map { " (\($0))" } ?? "")
            let place = "\(o.mutant.file):\(o.mutant.line)"
            md +=
                "| \(o.mutant.id) | \(place) | \(o.mutant.operator) | \(cell(o.mutant.summary)) | \(verdict) "
                + "| \(cell(String(o.detail.prefix(300)))) | \(Int(o.seconds)) |\n"
        }
        return md
    }
}

extension Array where Element == GeneratedMutant {
    /// `count` mutants drawn by a generator seeded from `seed` (a commit id, say): the same seed
    /// draws the same sample, another seed another one.
    public func sample(_ count: Int, seed: String) -> [GeneratedMutant] {
        guard count < self.count else { return self }
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in seed.utf8 { state = (state ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var order = [Int](0..<self.count)
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            // splitmix64 step
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            order.swapAt(i, Int(z % UInt64(i + 1)))
        }
        return order.prefix(count).sorted().map { self[$0] }
    }
}
