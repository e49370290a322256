import ArgumentParser
import ClusterFixtures
import Foundation

/// The operator's tool: the lifecycle's steps one at a time, a load generator, the query
/// demonstrations and distribution statistics, on the same fixtures and SQL files the tests use.
@main
struct CitusVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "citus-verify",
        abstract: "Set up, load, reshard and inspect the citus-verify cluster.",
        discussion: """
            Connection settings come from the environment (CITUS_COORDINATOR, CITUS_DATABASE, CITUS_USER, \
            CITUS_PASSWORD, CITUS_WORKERn_ADDR; see .env.example), or from the embedded cluster's \
            .cluster/cluster.env when CITUS_COORDINATOR is not set (`make cluster-up` starts it).

            Examples:
              citus-verify setup --scale 2
              citus-verify load --connections 8 --duration 30
              citus-verify reshard enable-citus
              citus-verify demo single-shard --tenant 42
              citus-verify stats --json
            """,
        version: TestedVersions.summary,
        subcommands: [
            PreflightCommand.self, Setup.self, Load.self, Reshard.self, Demo.self, Stats.self, Activity.self, Docs.self,
            Bench.self, BenchScale.self, SignoffCommand.self, Mutate.self, TestSummary.self, ReadCoverageCommand.self,
            MatrixCommand.self,
        ]
    )

    /// The tool prints what it reads; printing is not judging, so its reads never count in a test
    /// run's read log (the tool tests run it with the suite's environment).
    static func main() {
        unsetenv("CITUS_VERIFY_READ_LOG")
        main(nil)
    }
}
