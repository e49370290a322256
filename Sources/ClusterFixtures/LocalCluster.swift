import Foundation

/// The embedded cluster, driven through `scripts/cluster.sh` so that `make cluster-up` and the
/// tests start exactly the same thing.
public struct LocalCluster: Sendable {
    public var script: URL
    /// The cluster's data folder; nil: the script's default (CLUSTER_DIR, else .cluster/).
    public var directory: String?

    public init(script: URL = ProjectLayout.root.appendingPathComponent("scripts/cluster.sh"), directory: String? = nil) {
        self.script = script
        self.directory = directory
    }

    public func start() throws { try run("up") }
    public func stop() throws { try run("down") }

    /// Stops one node the way a crash would (immediate shutdown: no checkpoint, clients cut off).
    public func kill(_ node: String) throws { try run("kill-node", node) }

    /// Starts one stopped node again with the settings it had.
    public func start(_ node: String) throws { try run("start-node", node) }

    /// The script's output; throws with that output when it fails.
    @discardableResult
    public func run(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path] + arguments
        if let directory {
            process.environment = ProcessInfo.processInfo.environment.merging(["CLUSTER_DIR": directory]) { $1 }
        }
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
