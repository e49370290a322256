/// What this project was tested on, written down once: the compose file's image, the README and
/// `citus-verify --version` say the same.
public enum TestedVersions {
    /// This tool's own version.
    public static let tool = "0.7.0"
    /// The Citus release line the whole suite ran green on (13.2.2; 12.1.12 as a second version).
    public static let citusReleaseLine = "13.2"
    /// The PostgreSQL major it ran on (15.20).
    public static let postgresMajor = 15

    public static var summary: String {
        "citus-verify \(tool) (tested on Citus \(citusReleaseLine) with PostgreSQL \(postgresMajor))"
    }
}
