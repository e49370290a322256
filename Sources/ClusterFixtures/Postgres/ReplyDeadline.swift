import Foundation

/// The client-side bound on every reply (`Connection.replyDeadline`), from
/// `CITUS_VERIFY_QUERY_DEADLINE` (seconds) or 600 s: far above any statement of the lifecycle at
/// the scales the suite runs, so only a wait that would otherwise never end reaches it.
public enum ReplyDeadline {
    public static let variable = "CITUS_VERIFY_QUERY_DEADLINE"
    public static let fallback = Duration.seconds(600)

    public static var `default`: Duration {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else { return fallback }
        // A malformed value is refused with its name by `ClusterConfiguration(environment:)`.
        guard let seconds = Int(text), seconds > 0 else { return fallback }
        return .seconds(seconds)
    }
}
