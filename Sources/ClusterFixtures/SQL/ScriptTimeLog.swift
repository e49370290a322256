import Foundation

/// Each SQL file's run, timed, appended as a JSON line to the file `CITUS_VERIFY_SCRIPT_LOG` names
/// (nothing without it): `make bench-lifecycle` divides the lifecycle's wall time by the time the
/// database spent in the files, Citus's operations apart from the rest.
public struct ScriptTimeLog: Codable, Sendable, Equatable {
    /// The file as `SQLScript` names it, e.g. `sql/resharding/31_rebalance_shards.sql`.
    public var script: String
    public var seconds: Double

    public static let variable = "CITUS_VERIFY_SCRIPT_LOG"

    static func record(_ script: String, seconds: Double) {
        guard let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty else { return }
        try? JSONLines.append(ScriptTimeLog(script: script, seconds: seconds), to: path)
    }
}
