import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// The README's walk-through with psql alone (`scripts/psql-walkthrough.sh`): from an empty
/// database to Phase 4, every file run by psql itself with its own defaults, and the end state
/// is the suite's: every table holds exactly the seed's rows and no table is a Citus table.
@Suite(
    "The psql walk-through: psql alone takes an empty database through all four phases", .serialized, .requiresCitus,
    .exclusiveCluster)
struct PsqlWalkthroughTests {
    @Test(
        "Every SQL file run by psql, in the README's order, leaves the generator's rows in plain tables",
        .proves(.fullDemoCycle))
    func walkthrough() throws {
        let cluster = try Cluster.shared()
        let c = cluster.configuration
        var environment = [
            "CITUS_COORDINATOR": "\(c.coordinator)", "CITUS_USER": c.user, "CITUS_PASSWORD": c.password,
            "CITUS_DATABASE": c.database, "WALKTHROUGH_DATABASE": "\(c.database)_walkthrough",
        ]
        for (index, worker) in c.workers.enumerated() {
            environment["CITUS_WORKER\(index + 1)_ADDR"] = "\(worker.registeredAddress)"
            environment["CITUS_WORKER\(index + 1)_TEST_ADDR"] = "\(worker.testAddress)"
        }
        let script = ProjectLayout.root.appendingPathComponent("scripts/psql-walkthrough.sh").path
        let run = try ChildProcess("/bin/bash", [script], environment: environment).run(timeLimit: .seconds(600))
        #expect(run.status == 0, "\(run.output)\n\(run.errorOutput)")

        var configuration = c
        configuration.database = "\(c.database)_walkthrough"
        let walked = Cluster(configuration: configuration)
        defer {
            walked.disconnectAll()
            for address in cluster.nodes.map(\.address) {
                if let admin = try? cluster.connect("cleanup", at: address, database: "postgres") {
                    _ = try? admin.execute(
                        "DROP DATABASE IF EXISTS \(SQLIdentifier.quote(configuration.database)) WITH (FORCE)")
                    admin.close()
                }
            }
        }
        // The files' defaults: seed 42, scale 1.
        #expect(try walked.checksums() == SeedData(seed: 42, scale: 1).expectedChecksums)
        #expect(try walked.coordinator.value("SELECT count(*) FROM citus_tables", as: Int.self) == 0)
        let (missing, extra) = try walked.schemaDifferences()
        let split = BaselineSchema.notNullNamedAfterTemporaryTable(missing: missing, extra: extra)
        #expect(
            split.missing.isEmpty && split.extra.isEmpty,
            "schema after the walk-through: missing \(split.missing), extra \(split.extra)")
        try walked.expectNotNullNamesKept(split.renamed)
        Evidence.note(
            "psql walk-through (00 to 34 by psql itself): every table's checksum equals the seed's, no Citus table left"
        )
    }
}
