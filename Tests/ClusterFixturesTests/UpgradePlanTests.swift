import Testing

@testable import ClusterFixtures

/// Phase 5's configuration and its metadata comparison, without a database: what counts as an
/// upgrade, which input is refused (naming the variable), and how two metadata snapshots differ.
@Suite("Upgrade plan and metadata comparison")
struct UpgradePlanTests {
    static func server(_ postgres: String, _ citus: String?, _ bindir: String = "/servers/x/bin") -> ServerInstall {
        ServerInstall(bindir: bindir, postgresVersion: postgres, citusVersion: citus)
    }

    @Test("Citus versions compare by number, part by part (13.10 is after 13.2)")
    func versionOrder() {
        #expect(UpgradePlan.isOlder("12.1-1", than: "13.2-1"))
        #expect(UpgradePlan.isOlder("13.2-1", than: "13.10-1"))
        #expect(!UpgradePlan.isOlder("13.2-1", than: "12.1-1"))
        #expect(!UpgradePlan.isOlder("13.2-1", than: "13.2-1"))
    }

    @Test("One PostgreSQL major with an older and a newer Citus is a Citus upgrade; two majors a PostgreSQL one")
    func kinds() throws {
        let citus = UpgradePlan(from: Self.server("16.2", "12.1-1"), to: Self.server("16.2", "13.2-1"))
        try citus.validate()
        #expect(citus.kind == .citus)
        let major = UpgradePlan(from: Self.server("15.20", "13.2-1"), to: Self.server("16.2", "13.2-1"))
        try major.validate()
        #expect(major.kind == .postgresMajor)
    }

    @Test("Nothing to upgrade, a downgrade or a server without Citus is refused, naming the variable")
    func refusals() {
        let cases: [(UpgradePlan, String)] = [
            (
                UpgradePlan(from: Self.server("16.2", "13.2-1"), to: Self.server("16.2", "13.2-1")),
                UpgradePlan.toVariable
            ),
            (
                UpgradePlan(from: Self.server("16.2", "13.2-1"), to: Self.server("16.2", "12.1-1")),
                UpgradePlan.toVariable
            ),
            (UpgradePlan(from: Self.server("16.2", nil), to: Self.server("16.2", "13.2-1")), UpgradePlan.fromVariable),
            (UpgradePlan(from: Self.server("16.2", "12.1-1"), to: Self.server("16.2", nil)), UpgradePlan.toVariable),
            (
                UpgradePlan(from: Self.server("16.2", "13.2-1"), to: Self.server("15.20", "13.2-1")),
                UpgradePlan.toVariable
            ),
            (
                UpgradePlan(from: Self.server("15.20", "12.1-1"), to: Self.server("16.2", "13.2-1")),
                UpgradePlan.toVariable
            ),
        ]
        for (plan, variable) in cases {
            #expect(throws: ConfigurationError.self, "\(plan)") { try plan.validate() }
            do { try plan.validate() } catch let error as ConfigurationError {
                #expect(error.variable == variable, "\(plan): \(error)")
            } catch { Issue.record(error) }
        }
    }

    @Test("Neither variable set: no upgrade; one set alone or a folder that is no server: an error naming the variable")
    func configuredFromEnvironment() throws {
        #expect(try UpgradePlan.configured([:]) == nil)
        #expect(try UpgradePlan.configured([UpgradePlan.fromVariable: ""]) == nil)
        for (environment, variable) in [
            ([UpgradePlan.fromVariable: "/nowhere/bin"], UpgradePlan.toVariable),
            ([UpgradePlan.toVariable: "/nowhere/bin"], UpgradePlan.fromVariable),
            (
                [UpgradePlan.fromVariable: "/nowhere/bin", UpgradePlan.toVariable: "/nowhere/bin"],
                UpgradePlan.fromVariable
            ),
        ] {
            do {
                _ = try UpgradePlan.configured(environment)
                Issue.record("\(environment) was accepted")
            } catch let error as ConfigurationError {
                #expect(error.variable == variable, "\(environment): \(error)")
            }
        }
    }

    @Test("Each suite skips, saying why, without an upgrade and with one of the other kind")
    func skipReasons() {
        #expect(UpgradePlan.skipReason(for: .citus, environment: [:])?.hasPrefix("no upgrade configured") == true)
        #expect(
            UpgradePlan.skipReason(for: .postgresMajor, environment: [:])?.hasPrefix("no upgrade configured") == true)
        #expect(!UpgradePlan.isConfigured([:]))
        #expect(UpgradePlan.isConfigured([UpgradePlan.toVariable: "/x"]))
        // Set but wrong: no skip, the suite fails with configured()'s error.
        #expect(UpgradePlan.skipReason(for: .citus, environment: [UpgradePlan.fromVariable: "/nowhere/bin"]) == nil)
    }

    @Test("A node's server_version names a server by its whole version: Debian's suffix allowed, 15.2 is not 15.20")
    func serverVersionMatch() {
        #expect(Self.server("15.20", nil).isVersion(ofServer: "15.20 (Debian 15.20-0+deb12u1)"))
        #expect(Self.server("16.2", nil).isVersion(ofServer: "16.2"))
        #expect(!Self.server("15.2", nil).isVersion(ofServer: "15.20"))
        #expect(!Self.server("16.2", nil).isVersion(ofServer: "15.20"))
    }

    @Test("The Citus version a server installs is its control file's default_version")
    func controlFile() {
        #expect(
            ServerInstall.defaultVersion(
                inControlFile:
                    "# Citus\ncomment = 'Citus'\ndefault_version = '12.1-1'\nmodule_pathname = '$libdir/citus'\n")
                == "12.1-1")
        #expect(ServerInstall.defaultVersion(inControlFile: "comment = 'x'\n") == nil)
    }

    @Test(
        """
        Two metadata snapshots: equal ones differ in nothing; a moved placement shows as the line gone and the \
        line come
        """
    )
    func metadataDifferences() {
        let before = CitusMetadata(
            tables: ["table orders method h colocation 2 column 'user_id'"], shards: ["shard 1 of orders hashes 0..9"],
            placements: ["placement of shard 1 on 127.0.0.1:9702"], nodes: ["node 127.0.0.1:9702 group 1"])
        #expect(before.differences(to: before).isEmpty)
        var after = before
        after.placements = ["placement of shard 1 on 127.0.0.1:9703"]
        #expect(
            before.differences(to: after) == [
                "- placement of shard 1 on 127.0.0.1:9702", "+ placement of shard 1 on 127.0.0.1:9703",
            ])
        var lost = before
        lost.shards = []
        #expect(before.differences(to: lost) == ["- shard 1 of orders hashes 0..9"])
    }
}
