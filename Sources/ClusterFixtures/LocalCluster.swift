import Foundation

/// The embedded cluster, driven through `scripts/cluster.sh` so that `make cluster-up` and the
/// tests start exactly the same thing.
public struct LocalCluster: Sendable {
    public var script: URL

    public init(script: URL = ProjectLayout.root.appendingPathComponent("scripts/cluster.sh")) {
        self.script = script
    }

    public func start() throws { try run("up") }
    public func stop() throws { try run("down") }

    /// The script's output; throws with that output when it fails.
    @discardableResult
    public func run(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw LocalClusterError(command: "scripts/cluster.sh \(arguments.joined(separator: " "))", output: text)
        }
        return text
    }
}

public struct LocalClusterError: Error, CustomStringConvertible {
    public var command: String
    public var output: String
    public var description: String { "\(command) failed:\n\(output)" }
}
