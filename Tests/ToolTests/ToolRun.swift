import ClusterFixtures
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
        "citus-verify \(arguments.joined(separator: " ")) → \(killedBySignal ? "killed by signal" : "exit") \(status)\n--- stdout\n\(output)\n--- stderr\n\(errorOutput)"
    }

    /// The executable SwiftPM built beside this test binary.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("citus-verify")
    }
}

struct ToolTimedOut: Error, CustomStringConvertible {
    var arguments: [String]
    var seconds: Double
    var description: String { "citus-verify \(arguments.joined(separator: " ")) did not end within \(Int(seconds)) s and was killed" }
}

/// Runs `citus-verify` with `arguments`; the environment is this process's with `environment`
/// laid over it. Output goes through files, so a long output cannot block the child; past
/// `timeLimit` seconds the child is killed and the run fails.
func citusVerify(_ arguments: String..., environment: [String: String] = [:], timeLimit: Double = 600) throws -> ToolRun {
    try citusVerifyArray(arguments, environment: environment, timeLimit: timeLimit)
}

func citusVerifyArray(_ arguments: [String], environment: [String: String] = [:], timeLimit: Double = 600) throws -> ToolRun {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("citus-verify-tool-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("stdout"), err = folder.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)

    let process = Process()
    process.executableURL = ToolRun.executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    let deadline = Date().addingTimeInterval(timeLimit)
    while process.isRunning {
        if Date() > deadline {
            process.terminate()
            process.waitUntilExit()
            throw ToolTimedOut(arguments: arguments, seconds: timeLimit)
        }
        Thread.sleep(forTimeInterval: 0.05)
    }
    // The tool may have dropped and recreated the database: the test's own connections are stale.
    try? Cluster.shared().disconnectAll()
    return ToolRun(arguments: arguments, status: process.terminationStatus,
                   killedBySignal: process.terminationReason == .uncaughtSignal,
                   output: try String(contentsOf: out, encoding: .utf8), errorOutput: try String(contentsOf: err, encoding: .utf8))
}
