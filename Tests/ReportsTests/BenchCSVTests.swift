import ClusterFixtures
import ClusterTesting
import Foundation
import Reports
import SwiftCSV
import Testing

/// bench.csv read back by a real CSV reader (SwiftCSV, another implementation than the writer),
/// as a spreadsheet would read it.
@Suite("bench.csv: one field per column, whatever the names hold")
struct BenchCSVTests {
    @Test("Every row of bench.csv has the header's nine fields, and names with commas and quotes come back whole")
    func csvParses() throws {
        var report = BenchReport(environment: ["test"])
        let latency = LatencySummary(milliseconds: [1.5, 2.5, 3.5])
        report.queries = [
            .init(stage: "distributed, 2 workers", query: "single-tenant lookup", latency: latency),
            .init(stage: "plain tables", query: "a \"quoted\" name, with a comma", latency: latency),
        ]
        report.operations = [.init(operation: "drain worker1, then remove it", seconds: 1.25)]
        report.anchors = [
            .init(
                name: "seed load (rows/s)", unit: "rows/s", ours: 100, reference: 90,
                referenceTool: "psql \\copy, 1 stream")
        ]
        report.availability = [
            AvailabilityRecord(
                operation: "shard move worker1 → worker3", fault: "session terminated, before cutover",
                outcome: "failed: x", seconds: 2, acknowledged: 10, longestWriteStall: 0.5, inDoubt: 1,
                errorsBySQLState: ["57P01": 2, "08006": 1], violations: 0)
        ]

        let parsed = try CSV<Enumerated>(string: report.csv)
        #expect(parsed.header == ["kind", "stage", "name", "p50_ms", "p95_ms", "p99_ms", "max_ms", "value", "unit"])
        #expect(parsed.rows.count == 2 + 1 + 2 + 3)
        for (number, row) in parsed.rows.enumerated() {
            #expect(row.count == parsed.header.count, "row \(number + 2) has \(row.count) fields: \(row)")
        }
        #expect(parsed.rows.map { $0[1] }.contains("distributed, 2 workers"))
        #expect(parsed.rows.map { $0[2] }.contains("a \"quoted\" name, with a comma"))
        #expect(parsed.rows.map { $0[2] }.contains("seed load (rows/s) (psql \\copy, 1 stream)"))
        #expect(parsed.rows.first { $0[2] == "drain worker1, then remove it" }?[7] == "1.250")
        let stall = parsed.rows.first { $0[0] == "longest write stall" }
        #expect(
            stall?[1] == "session terminated, before cutover" && stall?[7] == "0.500", "\(String(describing: stall))")
        #expect(
            parsed.rows.first { $0[0] == "write errors" }?[8] == "1× 08006, 2× 57P01",
            "errors by SQLSTATE, one field")
    }
}
