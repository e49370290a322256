import ClusterFixtures
import Foundation
import Testing

@Suite("Read coverage: every labelled result and column is looked at by a test, or listed as printed for people")
struct ReadCoverageTests {
    static let log = """
        file\tsql/a.sql
        declared\tsql/a.sql\tplaced\tnode,shards,bytes
        read\tsql/a.sql\tplaced\t*
        read\tsql/a.sql\tplaced\tnode
        read\tsql/a.sql\tplaced\tshards
        declared\tsql/a.sql\tcounted\tn
        read\tsql/a.sql\tcounted\t*
        garbage line
        """

    static var entries: [ReadLog.Entry] { log.split(separator: "\n").compactMap(ReadLog.Entry.init(line:)) }

    @Test("A file line names its reader when the run knows it: a test, or a suite's own setup")
    func fileReaders() {
        let entries = [
            "file\tsql/a.sql", "file\tsql/b.sql\tPhase2Tests.Phase2Tests/demoQueries()",
            "file\tsql/c.sql\tsuite:Phase2Tests.Phase2Tests",
        ]
        .compactMap { ReadLog.Entry(line: $0[...]) }
        #expect(
            entries == [
                .file("sql/a.sql"), .fileReadBy(file: "sql/b.sql", reader: "Phase2Tests.Phase2Tests/demoQueries()"),
                .fileReadBy(file: "sql/c.sql", reader: "suite:Phase2Tests.Phase2Tests"),
            ])
    }

    @Test(
        """
        A column no test looked at is unjudged; a result only counted leaves its columns unjudged; a label never \
        run is unjudged
        """
    )
    func unjudged() {
        let coverage = ReadCoverage(
            entries: Self.entries, labels: ["sql/a.sql": ["placed", "counted", "never_run"]], peopleOnly: [])
        #expect(
            coverage.unjudged.map(\.description) == [
                "sql/a.sql 'counted' column n", "sql/a.sql 'never_run'", "sql/a.sql 'placed' column bytes",
            ])
        #expect(coverage.staleExcuses.isEmpty)
    }

    @Test("Everything looked at, or excused with a reason, is covered; an excuse for nothing declared is stale")
    func covered() {
        let people = [
            ReadCoverage.PeopleOnly(file: "sql/a.sql", label: "placed", column: "bytes", reason: "sizes vary"),
            ReadCoverage.PeopleOnly(file: "sql/a.sql", label: "counted", column: nil, reason: "shown"),
            ReadCoverage.PeopleOnly(file: "sql/a.sql", label: "gone", column: nil, reason: "stale"),
        ]
        let coverage = ReadCoverage(
            entries: Self.entries, labels: ["sql/a.sql": ["placed", "counted"]], peopleOnly: people)
        #expect(coverage.unjudged.isEmpty, "\(coverage.unjudged)")
        #expect(coverage.staleExcuses.map(\.description) == ["sql/a.sql 'gone'"])
    }

    @Test("The project's SQL files declare their labels where the parser finds them")
    func projectLabels() throws {
        let labels = try ReadCoverage.declaredLabels()
        #expect(labels["sql/resharding/31_rebalance_shards.sql"] == ["shards_before", "planned_moves", "job_state"])
        #expect(labels.values.map(\.count).reduce(0, +) >= 30)
    }
}
