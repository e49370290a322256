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
        let outcome = try ChildProcess("/bin/bash", [script.path] + arguments,
                                       environment: directory.map { ["CLUSTER_DIR": $0] } ?? [:]).run(timeLimit: .seconds(300))
        let text = outcome.output + outcome.errorOutput
        guard outcome.status == 0, !outcome.signaled else {
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
