import ClusterFixtures
import ClusterTesting
import Foundation

/// One run of the `citus-verify` executable: its exit status and what it printed.
struct ToolRun: CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    /// The child died of a signal (`status` is then the signal's number).
    var killedBySignal = false
    var output: String
    var errorOutput: String

    var description: String {
        """
        citus-verify \(arguments.joined(separator: " ")) → \(killedBySignal ? "killed by signal" : "exit") \
        \(status)\n--- stdout\n\(output)\n--- stderr\n\(errorOutput)
        """
    }

    /// The executable SwiftPM built beside this test binary.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "citus-verify")
    }
}

/// Runs `citus-verify` with `arguments`; the environment is this process's with `environment`
/// laid over it. Past `timeLimit` seconds the child is killed and the run fails.
func citusVerify(_ arguments: String..., environment: [String: String] = [:], timeLimit: Duration = .seconds(600))
    throws -> ToolRun
{
    try citusVerifyArray(arguments, environment: environment, timeLimit: timeLimit)
}

func citusVerifyArray(
    _ arguments: [String], environment: [String: String] = [:], timeLimit: Duration = .seconds(600),
    interruptAfter: Duration? = nil, interruptWhen: [String] = []
) throws -> ToolRun {
    let outcome = try ChildProcess(ToolRun.executable.path, arguments, environment: environment)
        .run(timeLimit: timeLimit, interruptAfter: interruptAfter, interruptWhen: interruptWhen)
    // The tool may have dropped and recreated the database: the test's own connections are stale.
    try? Cluster.shared().disconnectAll()
    return ToolRun(
        arguments: arguments, status: outcome.status, killedBySignal: outcome.signaled,
        output: outcome.output, errorOutput: outcome.errorOutput)
}
