import Mutants
import Testing

@Suite("Generated mutants: samples and the report")
struct GeneratedMutationReportTests {
    static let mutants = SQLMutator(file: "sql/x.sql", text: SQLMutatorTests.script).mutants()

    @Test("A sample is the same for the same seed, another for another seed, and never larger than the set")
    func samples() {
        let a = Self.mutants.sample(5, seed: "abc")
        let b = Self.mutants.sample(5, seed: "abc")
        let c = Self.mutants.sample(5, seed: "abd")
        #expect(a == b && a.count == 5)
        #expect(a != c)
        #expect(Self.mutants.sample(10_000, seed: "x") == Self.mutants)
    }

    @Test("The score counts killed against killed and survived: equivalent and stillborn mutants are listed apart")
    func score() {
        let m = Self.mutants
        let outcomes = [
            GeneratedMutantOutcome(
                mutant: m[0], verdict: .killed, detail: "Phase1Tests: ✘", targets: ["Phase1Tests"], seconds: 1),
            GeneratedMutantOutcome(
                mutant: m[1], verdict: .survived, detail: "every test passed", targets: ["Phase1Tests"], seconds: 1),
            GeneratedMutantOutcome(mutant: m[2], verdict: .equivalent, detail: "same plan", targets: [], seconds: 0),
            GeneratedMutantOutcome(
                mutant: m[3], verdict: .stillborn, detail: "does not compile", targets: [], seconds: 0),
        ]
        let (killed, counted) = GeneratedMutationReport.score(outcomes)
        #expect(killed == 1 && counted == 2)
        let report = GeneratedMutationReport(outcomes: outcomes, seconds: 60, generated: m.count, sampleSeed: "s")
        #expect(report.survivors.map(\.mutant.id) == [m[1].id])
        #expect(report.markdown.contains("Killed: 1 of 2 (50%); survived 1, equivalent 1"))
        #expect(report.markdown.contains("a sample drawn with seed s"))
        #expect(report.markdown.contains("| \(m[1].id) | sql/x.sql:\(m[1].line) | \(m[1].operator) |"))
    }

    @Test(
        """
        A resumed run carries the kills it will not run again and every outcome it did not choose; a chosen \
        survivor is judged anew
        """
    )
    func resume() {
        let m = Self.mutants
        var previous = GeneratedMutationReport(
            outcomes: [
                GeneratedMutantOutcome(
                    mutant: m[0], verdict: .killed, detail: "Phase1Tests: ✘", targets: ["Phase1Tests"], seconds: 5),
                GeneratedMutantOutcome(
                    mutant: m[1], verdict: .survived, detail: "every test passed", targets: ["Phase1Tests"],
                    seconds: 9),
                GeneratedMutantOutcome(
                    mutant: m[2], verdict: .survived, detail: "every test passed", targets: ["Phase1Tests"],
                    seconds: 9),
                GeneratedMutantOutcome(
                    mutant: m[3], verdict: .killed, detail: "Phase2Tests: ✘", targets: ["Phase2Tests"], seconds: 5),
            ], seconds: 28, generated: m.count, sampleSeed: nil)
        previous.finished = "2026-11-28T04:00:00Z"
        // m[3] is no longer generated; m[0] and m[1] are chosen again, m[2] is not.
        let carried = previous.carried(generated: Set(m[0...2].map(\.id)), chosen: [m[0].id, m[1].id])
        #expect(carried.map(\.mutant.id) == [m[0].id, m[2].id])
        // Judged again, kills too: only what was not chosen is carried.
        #expect(
            previous.carried(generated: Set(m[0...2].map(\.id)), chosen: [m[0].id, m[1].id], rejudgeKilled: true)
                .map(\.mutant.id) == [m[2].id])
        #expect(carried.allSatisfy { $0.carriedFrom == "2026-11-28T04:00:00Z" })
        let report = GeneratedMutationReport(
            outcomes: carried + [
                GeneratedMutantOutcome(
                    mutant: m[1], verdict: .killed, detail: "Phase1Tests: ✘", targets: ["Phase1Tests"], seconds: 6)
            ], seconds: 60, generated: m.count, sampleSeed: nil)
        #expect(report.markdown.contains("Run: 1 of \(m.count) generated mutants"))
        #expect(report.markdown.contains("2 more carried from earlier runs"))
        #expect(report.markdown.contains("**survived** (2026-11-28T04:00:00Z)"))
    }
}
