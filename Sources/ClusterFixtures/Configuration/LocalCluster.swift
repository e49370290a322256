import Foundation

/// The embedded cluster, driven through `scripts/cluster.sh` so that `make cluster-up` and the
/// tests start exactly the same thing.
public struct LocalCluster: Sendable {
    public var script: URL
    /// The cluster's data folder; nil: the script's default (CLUSTER_DIR, else .cluster/).
    public var directory: String?
    /// More of the script's settings (`CLUSTER_PORT`, `PG_BINDIR`), laid over this process's environment.
    public var settings: [String: String]

    public init(
        script: URL = ProjectLayout.root.appendingPathComponent("scripts/cluster.sh"), directory: String? = nil,
        settings: [String: String] = [:]
    ) {
        self.script = script
        self.directory = directory
        self.settings = settings
    }

    public func start() throws { try run("up") }
    public func stop() throws { try run("down") }

    /// Stops one node the way a crash would (immediate shutdown: no checkpoint, clients cut off).
    public func kill(_ node: String) throws { try run("kill-node", node) }

    /// Starts one stopped node again with the settings it had.
    public func start(_ node: String) throws { try run("start-node", node) }

    /// Stops `node` and starts it with the server in `bindir` (the same PostgreSQL major, another
    /// Citus build): one node's step of a Citus upgrade.
    public func restart(_ node: String, withServerIn bindir: String) throws { try run("restart-node", node, bindir) }

    /// Stops every node and deletes the data folder.
    public func destroy() throws { try run("destroy") }

    /// The script's output; throws with that output when it fails or outlives `timeLimit`.
    @discardableResult
    public func run(_ arguments: String..., timeLimit: Duration = .seconds(300)) throws -> String {
        let outcome = try ChildProcess(
            "/bin/bash", [script.path] + arguments,
            environment: settings.merging(directory.map { ["CLUSTER_DIR": $0] } ?? [:]) { $1 }
        )
        .run(timeLimit: timeLimit)
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
