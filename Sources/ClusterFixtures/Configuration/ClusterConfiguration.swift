import Foundation

/// Where the cluster is and how to log in, read from the environment.
///
/// The same variables describe the embedded local cluster, the Docker Compose one and a user's own.
/// Each worker has two addresses because they differ outside a single host: the coordinator
/// registers a worker under the name it reaches it by (`worker1:5432` inside Compose), while the
/// tests, running on the host, open per-node connections through the published port.
public struct ClusterConfiguration: Sendable, Equatable {
    public struct Worker: Sendable, Equatable {
        /// `worker1`, `worker2`, …: the name used in messages and in SQL variables.
        public var name: String
        /// How the coordinator reaches the worker: what goes into `citus_add_node`.
        public var registeredAddress: NodeAddress
        /// How the tests reach the worker for per-node checks.
        public var testAddress: NodeAddress
    }

    /// The worker called `name` (`worker1`, …): the one way to name a worker; an error lists the names there are.
    public func worker(_ name: String) throws -> Worker {
        guard let worker = workers.first(where: { $0.name == name }) else {
            throw UnknownNode(name: name, known: ["coordinator"] + workers.map(\.name))
        }
        return worker
    }

    public var coordinator: NodeAddress
    public var database: String
    public var user: String
    public var password: String
    public var workers: [Worker]
    /// The suite rebuilds `database` on every node when a phase needs a fresh start; only allowed
    /// when the user says the database is the suite's own.
    public var allowsReset: Bool
    /// Set when the cluster is the embedded one started by `scripts/cluster.sh`.
    public var localClusterDirectory: String?
    /// Seed of the generated baseline rows (`CITUS_VERIFY_SEED`, default 42).
    public var seed: UInt64
    /// Multiplies users and orders (`CITUS_VERIFY_SCALE`, default 1: 1,000 users, 10,000 orders).
    public var scale: Int
    /// How many shards a distributed table must get (`CITUS_VERIFY_SHARD_COUNT`): the expectation
    /// Phase 2 checks. nil: the server's own `citus.shard_count`, read on a fresh connection.
    public var shardCount: Int?

    /// Upper bound of `CITUS_VERIFY_SCALE`: 1,000× is ten million orders, generated in memory.
    public static let maximumScale = 1_000

    /// The number of workers the lifecycle uses: two to distribute onto, a third added in Phase 3.
    public static let requiredWorkerCount = 3

    public init(environment env: [String: String]) throws {
        coordinator = try Self.address("CITUS_COORDINATOR", in: env)
        database = try Self.identifier("CITUS_DATABASE", in: env)
        user = try Self.identifier("CITUS_USER", in: env)
        guard let password = env["CITUS_PASSWORD"], !password.isEmpty else {
            throw ConfigurationError.missing("CITUS_PASSWORD", expected: "the password of CITUS_USER (scram authentication)")
        }
        self.password = password
        workers = try (1...Self.requiredWorkerCount).map { number in
            let registered = try Self.address("CITUS_WORKER\(number)_ADDR", in: env)
            // The test address defaults to the registered one: on one host they are the same.
            let testVariable = "CITUS_WORKER\(number)_TEST_ADDR"
            let test = (env[testVariable] ?? "").isEmpty ? registered : try Self.address(testVariable, in: env)
            return Worker(name: "worker\(number)", registeredAddress: registered, testAddress: test)
        }
        switch env["CITUS_VERIFY_RESET"] ?? "" {
        case "allow": allowsReset = true
        case "", "deny": allowsReset = false
        case let other:
            throw ConfigurationError.malformed("CITUS_VERIFY_RESET", value: other, expected: "'allow' or 'deny'")
        }
        localClusterDirectory = env["CITUS_LOCAL_CLUSTER_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        seed = try Self.number("CITUS_VERIFY_SEED", in: env, default: 42, expected: "a whole number from 0 to \(UInt64.max)")
        scale = try Self.number("CITUS_VERIFY_SCALE", in: env, default: 1, in: 1...Self.maximumScale,
                                expected: "a whole number from 1 to \(Self.maximumScale)")
        shardCount = (env["CITUS_VERIFY_SHARD_COUNT"] ?? "").isEmpty ? nil
            : try Self.number("CITUS_VERIFY_SHARD_COUNT", in: env, default: 32, in: 1...64_000,
                              expected: "a whole number from 1 to 64000 (the citus.shard_count the cluster distributes with)")
    }

    private static func number<N: FixedWidthInteger>(_ variable: String, in env: [String: String], default fallback: N,
                                                     in range: ClosedRange<N> = N.min...N.max, expected: String) throws -> N {
        guard let text = env[variable], !text.isEmpty else { return fallback }
        guard let value = N(text), range.contains(value) else {
            throw ConfigurationError.malformed(variable, value: text, expected: expected)
        }
        return value
    }

    private static func address(_ variable: String, in env: [String: String]) throws -> NodeAddress {
        guard let text = env[variable], !text.isEmpty else {
            throw ConfigurationError.missing(variable, expected: "host:port, e.g. 127.0.0.1:9700")
        }
        guard let address = NodeAddress(parsing: text) else {
            throw ConfigurationError.malformed(variable, value: text, expected: "host:port with a port from 1 to 65535, e.g. 127.0.0.1:9700")
        }
        return address
    }

    private static func identifier(_ variable: String, in env: [String: String]) throws -> String {
        guard let text = env[variable], !text.isEmpty else {
            throw ConfigurationError.missing(variable, expected: "a lower-case SQL identifier such as citus_verify")
        }
        guard let first = text.first, first.isLetter || first == "_",
              text.allSatisfy({ ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "_" }),
              text.allSatisfy(\.isASCII)
        else {
            throw ConfigurationError.malformed(variable, value: text, expected: "a lower-case SQL identifier ([a-z_][a-z0-9_]*)")
        }
        return text
    }
}
