/// What a Citus upgrade did, node by node: how long each node was down for its restart with the new
/// library, and what `ALTER EXTENSION citus UPDATE` moved its extension from and to.
public struct CitusUpgradeReport: Sendable {
    public struct Restart: Sendable {
        public var node: String
        /// From the stop request until the node answered a query again, with the new server.
        public var downtimeSeconds: Double
    }

    public struct ExtensionUpdate: Sendable {
        public var node: String
        public var from: String
        public var to: String
        public var seconds: Double
    }

    public var restarts: [Restart] = []
    public var updates: [ExtensionUpdate] = []
    /// What `citus_finish_citus_upgrade()` said on the coordinator (its notices), or nil where the
    /// new version has no such procedure.
    public var finish: String?
    /// Wall time of the whole upgrade, restarts to the last update.
    public var seconds: Double = 0
    /// Wall-clock seconds since the epoch when the first restart began and the last update ended:
    /// the writers' acknowledged orders on each side of the upgrade are counted against these.
    public var startedAt: Double = 0
    public var endedAt: Double = 0

    public init() {}
}
