import Foundation

/// A PostgreSQL server's bin folder and the Citus built into it, read from the installation itself
/// (`pg_config`, Citus's `citus.control`), never from what a variable claims.
public struct ServerInstall: Sendable, Equatable, CustomStringConvertible {
    public var bindir: String
    /// `16.2`: what `pg_config --version` prints after "PostgreSQL".
    public var postgresVersion: String
    /// The extension version `CREATE EXTENSION citus` installs here (`12.1-1`); nil without Citus.
    public var citusVersion: String?

    public var postgresMajor: Int { Int(postgresVersion.prefix { $0.isNumber }) ?? 0 }
    public var description: String {
        "PostgreSQL \(postgresVersion) with Citus \(citusVersion ?? "(none)") (\(bindir))"
    }

    public init(bindir: String, postgresVersion: String, citusVersion: String?) {
        self.bindir = bindir
        self.postgresVersion = postgresVersion
        self.citusVersion = citusVersion
    }

    /// Whether a node's `server_version` (`15.20 (Debian 15.20-0+deb12u1)`, `16.2`) is this server's
    /// version (15.2 is not 15.20).
    public func isVersion(ofServer serverVersion: String) -> Bool {
        serverVersion == postgresVersion || serverVersion.hasPrefix(postgresVersion + " ")
    }

    /// Reads the server in `bindir`; `variable` names the setting it came from, for the error.
    public static func read(_ bindir: String, from variable: String) throws -> ServerInstall {
        let folder = bindir.hasSuffix("/") ? String(bindir.dropLast()) : bindir
        let pgConfig = folder + "/pg_config"
        guard FileManager.default.isExecutableFile(atPath: folder + "/postgres"),
            FileManager.default.isExecutableFile(atPath: pgConfig)
        else {
            throw ConfigurationError.malformed(
                variable, value: bindir, expected: "a PostgreSQL bin folder with postgres and pg_config in it")
        }
        func ask(_ flag: String) throws -> String {
            let outcome = try ChildProcess(pgConfig, [flag]).run(timeLimit: .seconds(30))
            guard outcome.status == 0 else {
                throw ConfigurationError.malformed(
                    variable, value: bindir,
                    expected: "a pg_config that answers \(flag) (it said: \(outcome.errorOutput))")
            }
            return outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let version = try ask("--version").split(separator: " ").dropFirst().first.map(String.init) ?? ""
        let control = URL(fileURLWithPath: try ask("--sharedir")).appendingPathComponent("extension/citus.control")
        let library = URL(fileURLWithPath: try ask("--pkglibdir")).appendingPathComponent("citus.so")
        var citus: String?
        if FileManager.default.fileExists(atPath: library.path),
            let text = try? String(contentsOf: control, encoding: .utf8)
        {
            citus = Self.defaultVersion(inControlFile: text)
        }
        return ServerInstall(bindir: folder, postgresVersion: version, citusVersion: citus)
    }

    /// `default_version = '12.1-1'` of an extension's control file.
    static func defaultVersion(inControlFile text: String) -> String? {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == "default_version" {
                return parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            }
        }
        return nil
    }
}
