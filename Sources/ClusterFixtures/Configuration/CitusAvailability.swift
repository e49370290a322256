import Foundation

/// Whether the Citus phases can run against the configured cluster, and if not, why.
///
/// Decided once per process, when the test plan is built (Swift Testing evaluates condition traits
/// then), from each node's server, so it needs no suite database: a first run against a cluster
/// whose suite database does not exist yet decides it right. A missing Citus skips the Citus phases with this
/// reason; with `CITUS_VERIFY_REQUIRE_CITUS=1` (CI on a machine with Citus, sign-off) it fails them instead.
public enum CitusAvailability {
    /// nil when Citus is usable; otherwise the reason, naming what is missing.
    public static let missingReason: String? = probe()

    /// Whether a missing Citus must fail the run rather than skip the Citus phases.
    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["CITUS_VERIFY_REQUIRE_CITUS"] == "1"
    }

    /// The reason to skip the Citus phases, or nil when they must run (Citus is there, or required).
    public static var skipReason: String? { isRequired ? nil : missingReason }

    private static func probe() -> String? {
        do {
            return try reason(on: try Cluster.shared())
        } catch {
            return "no cluster to check Citus on: \(error)"
        }
    }

    /// Why `name` cannot be used on `cluster` (not installed, or not preloaded, on some node), or
    /// nil when it can on every node. Asked of each node's maintenance database `postgres`, not of
    /// the suite's database: whether an extension is installed and preloaded is the server's
    /// matter, and the suite's database may not exist yet (Phase 1 creates it). The name is a
    /// parameter so a test can ask about an extension that is absent.
    public static func reason(on cluster: Cluster, extension name: String = "citus") throws -> String? {
        let shown = name == "citus" ? "Citus" : name
        for node in cluster.nodes {
            let connection = try cluster.connect(node.name, at: node.address, database: "postgres")
            defer { connection.close() }
            let row = try connection.query(
                """
                SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = $1) AS installed,
                       current_setting('shared_preload_libraries') AS preload,
                       current_setting('server_version') AS version
                """, [name]
            ).single()
            let version: String = try row.get("version")
            guard try row.get("installed", as: Bool.self) else {
                return
                    """
                    \(shown) is not installed on the \(node.name) \(node.address) (PostgreSQL \(version) has no \
                    '\(name)' extension); install it for PostgreSQL \(version.prefix(2)) and restart the node
                    """
            }
            let preload: String = try row.get("preload")
            guard preload.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }).contains(name) else {
                return
                    """
                    \(shown) is installed but not loaded on the \(node.name) \(node.address): \
                    shared_preload_libraries is '\(preload)', it must list \(name)
                    """
            }
        }
        return nil
    }
}
