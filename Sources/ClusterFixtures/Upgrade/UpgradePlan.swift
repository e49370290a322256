import Foundation

/// The upgrade Phase 5 rehearses, from `UPGRADE_FROM_BINDIR` (the server with the Citus a cluster
/// runs today) and `UPGRADE_TO_BINDIR` (the one it moves to). One PostgreSQL major with two Citus
/// versions is a Citus upgrade (new library, restart, `ALTER EXTENSION citus UPDATE`); two majors
/// with one Citus version is a PostgreSQL major upgrade (`citus_prepare_pg_upgrade()`, `pg_upgrade`
/// on every node, `citus_finish_pg_upgrade()`).
public struct UpgradePlan: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case citus, postgresMajor }

    public var from: ServerInstall
    public var to: ServerInstall

    public var kind: Kind { from.postgresMajor == to.postgresMajor ? .citus : .postgresMajor }
    public var description: String {
        """
        Citus \(from.citusVersion ?? "-") on PostgreSQL \(from.postgresVersion) → Citus \(to.citusVersion ?? "-") \
        on PostgreSQL \(to.postgresVersion)
        """
    }

    /// The test target that rehearses upgrades (JUnit class names start with it). Its skip (no two
    /// servers to upgrade between) is reported where the upgrade is, and hides nothing else: the
    /// sign-off's checklist and read coverage are judged without it.
    public static let testSuitePrefix = "Phase5Tests."

    public static let fromVariable = "UPGRADE_FROM_BINDIR"
    public static let toVariable = "UPGRADE_TO_BINDIR"

    /// The configured upgrade; nil when neither variable is set; an error naming the variable when
    /// one is missing, a folder is not a server with Citus, or there is nothing to upgrade.
    public static func configured(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> UpgradePlan?
    {
        let fromPath = environment[fromVariable].flatMap { $0.isEmpty ? nil : $0 }
        let toPath = environment[toVariable].flatMap { $0.isEmpty ? nil : $0 }
        guard fromPath != nil || toPath != nil else { return nil }
        guard let fromPath else {
            throw ConfigurationError.missing(
                fromVariable, expected: "the bin folder of the server with the older Citus (\(toVariable) is set)")
        }
        guard let toPath else {
            throw ConfigurationError.missing(
                toVariable, expected: "the bin folder of the server with the newer Citus (\(fromVariable) is set)")
        }
        let plan = UpgradePlan(
            from: try ServerInstall.read(fromPath, from: fromVariable),
            to: try ServerInstall.read(toPath, from: toVariable))
        try plan.validate()
        return plan
    }

    /// The configured upgrade, for a rehearsal that cannot run without one.
    public static func required() throws -> UpgradePlan {
        guard let plan = try configured() else {
            throw ConfigurationError.missing(
                fromVariable, expected: "two bin folders to upgrade between (\(toVariable) too)")
        }
        return plan
    }

    func validate() throws {
        for (variable, server) in [(Self.fromVariable, from), (Self.toVariable, to)] where server.citusVersion == nil {
            throw ConfigurationError.malformed(
                variable, value: server.bindir,
                expected:
                    """
                    a server with Citus built into it (no citus.so or citus.control for PostgreSQL \
                    \(server.postgresVersion); docs/citus.md)
                    """
            )
        }
        if kind == .citus {
            guard let old = from.citusVersion, let new = to.citusVersion, Self.isOlder(old, than: new) else {
                throw ConfigurationError.malformed(
                    Self.toVariable, value: to.bindir,
                    expected:
                        """
                        a newer Citus than \(Self.fromVariable)'s \(from.citusVersion ?? "-") on PostgreSQL \
                        \(from.postgresMajor) (it has \(to.citusVersion ?? "-"))
                        """
                )
            }
        } else if to.postgresMajor < from.postgresMajor {
            throw ConfigurationError.malformed(
                Self.toVariable, value: to.bindir,
                expected:
                    """
                    a newer PostgreSQL major than \(Self.fromVariable)'s \(from.postgresVersion) (it has \
                    \(to.postgresVersion))
                    """
            )
        } else if to.citusVersion != from.citusVersion {
            throw ConfigurationError.malformed(
                Self.toVariable, value: to.bindir,
                expected:
                    """
                    for a PostgreSQL major upgrade, the same Citus as \(Self.fromVariable) \
                    (\(from.citusVersion ?? "-"), it has \(to.citusVersion ?? "-")): upgrade Citus first, on one \
                    major
                    """
            )
        }
    }

    /// Whether Citus extension version `a` ("12.1-1") comes before `b` ("13.2-1").
    static func isOlder(_ a: String, than b: String) -> Bool {
        func numbers(_ v: String) -> [Int] { v.split(whereSeparator: { $0 == "." || $0 == "-" }).map { Int($0) ?? 0 } }
        return numbers(a).lexicographicallyPrecedes(numbers(b))
    }

    /// Why the suite that rehearses `kind` cannot run here; nil when it can, and nil too when the
    /// variables are set but wrong: that is bad input, which fails the phase with `configured()`'s
    /// error, not a skip.
    public static func skipReason(for kind: Kind, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String?
    {
        guard isConfigured(environment) else {
            return
                """
                no upgrade configured: set \(fromVariable) and \(toVariable) to two bin folders with Citus, of \
                one PostgreSQL major with an older and a newer Citus, or of two majors with one Citus \
                (scripts/servers.sh upgrade-pairs lists them)
                """
        }
        guard let plan = try? configured(environment) else { return nil }
        guard plan.kind == kind else {
            return
                """
                \(plan) is a \(plan.kind == .citus ? "Citus" : "PostgreSQL major") upgrade; this suite rehearses \
                the other kind
                """
        }
        return nil
    }

    /// Whether either variable is set (then a skip for want of an upgrade is not the reason).
    public static func isConfigured(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        !(environment[fromVariable] ?? "").isEmpty || !(environment[toVariable] ?? "").isEmpty
    }
}
