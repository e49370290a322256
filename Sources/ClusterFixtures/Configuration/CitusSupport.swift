/// Which PostgreSQL majors each Citus release line supports, from each release's `configure.ac`
/// (the majors it accepts to build against). A pair outside it may build by accident, or not at
/// all: Citus 14.0 dropped PostgreSQL 15, 13.0.1 dropped 14.
public enum CitusSupport {
    /// The release lines this tool knows, by "major.minor".
    static let majorsByLine: [String: ClosedRange<Int>] = [
        "12.0": 14...15,
        "12.1": 14...16,
        // 13.0.0 accepted 14 too; the extension's version ("13.0-1") cannot tell the patch release.
        "13.0": 14...17,
        "13.1": 15...17,
        "13.2": 15...17,
        "14.0": 16...18,
    ]

    /// The release line of a Citus version as `pg_available_extensions` or `citus_version()` print
    /// it ("13.2-1", "14.0.1"): "13.2", "14.0".
    public static func releaseLine(of version: String) -> String? {
        let numbers = version.split(whereSeparator: { $0 == "." || $0 == "-" }).prefix(2)
        guard numbers.count == 2, numbers.allSatisfy({ Int($0) != nil }) else { return nil }
        return numbers.joined(separator: ".")
    }

    /// The PostgreSQL majors `citusVersion` supports; nil for a release line this tool does not know.
    public static func postgresMajors(forCitus citusVersion: String) -> ClosedRange<Int>? {
        releaseLine(of: citusVersion).flatMap { majorsByLine[$0] }
    }
}
