/// What this project was tested on, written down once: the compose file's image, the README and
/// `citus-verify --version` say the same.
public enum TestedVersions {
    /// This tool's own version.
    public static let tool = "0.8.0"

    /// A Citus release and the PostgreSQL release it ran on.
    public struct Pair: Sendable, Equatable {
        public var citus: String
        public var postgres: String
        /// The whole suite ran green on it; false: the lifecycle (unit tests and Phases 1-4) did,
        /// the whole suite not yet (docs/citus.md says what is open).
        public var wholeSuite = true

        public var citusReleaseLine: String { CitusSupport.releaseLine(of: citus) ?? citus }
        public var postgresMajor: Int { Int(postgres.prefix { $0 != "." }) ?? 0 }
    }

    /// Every pair the suite ran green on (`make matrix`, reports/matrix.md), the default server's
    /// first.
    public static let pairs = [
        Pair(citus: "13.2.2", postgres: "15.20"),
        Pair(citus: "13.2.2", postgres: "16.2"),
        Pair(citus: "14.0.1", postgres: "18.6"),
    ]

    /// "Citus 13.2.2 with PostgreSQL 15.20 and 16.2, Citus 14.0.1 with PostgreSQL 18.6".
    public static var pairsDescription: String {
        var groups: [(citus: String, postgres: [String])] = []
        for pair in pairs {
            if let index = groups.firstIndex(where: { $0.citus == pair.citus }) {
                groups[index].postgres.append(pair.postgres)
            } else {
                groups.append((pair.citus, [pair.postgres]))
            }
        }
        return groups.map { "Citus \($0.citus) with PostgreSQL \($0.postgres.joined(separator: " and "))" }.joined(
            separator: ", ")
            + (pairs.contains { !$0.wholeSuite }
                ? " ("
                    + pairs.filter { !$0.wholeSuite }.map { "\($0.citus)/\($0.postgres)" }
                    .joined(separator: ", ") + ": the lifecycle; the whole suite not yet green)" : "")
    }

    public static var summary: String { "citus-verify \(tool) (tested on \(pairsDescription))" }
}
