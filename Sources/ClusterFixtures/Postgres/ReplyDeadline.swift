/// The client-side bound on every reply (`Connection.replyDeadline`): `CITUS_VERIFY_QUERY_DEADLINE`
/// seconds, read and checked with the rest of the configuration (`ClusterConfiguration`), which
/// `Cluster.connect` gives each connection; 600 s otherwise, far above any statement of the
/// lifecycle at the scales the suite runs, so only a wait that would otherwise never end reaches it.
public enum ReplyDeadline {
    public static let variable = "CITUS_VERIFY_QUERY_DEADLINE"
    public static let fallback = Duration.seconds(600)
}
