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

    /// The configured worker called `name` (`worker1`, …) (`Cluster.node(_:)` gives its `Node`); an error lists
    /// the names there are.
    public func worker(_ name: String) throws -> Worker {
        guard let worker = workers.first(where: { $0.name == name }) else {
            throw UnknownNode(name: name, known: ["coordinator"] + workers.map(\.name))
        }
        return worker
    }

    /// The workers Phase 2 distributes onto: every worker but the last.
    public var initialWorkers: [Worker] { Array(workers.dropLast()) }
    /// The worker Phase 3 adds and rebalances onto: the last.
    public var addedWorker: Worker { workers[workers.count - 1] }
    /// The worker Phase 3 drains and removes: the first.
    public var drainedWorker: Worker { workers[0] }

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
    /// The client-side bound on every reply (`CITUS_VERIFY_QUERY_DEADLINE`, seconds, default 600;
    /// see `ReplyDeadline`).
    public var queryDeadline: Duration = ReplyDeadline.fallback

    /// Upper bound of `CITUS_VERIFY_SCALE`: 1,000× is ten million orders, generated in memory.
    public static let maximumScale = 1_000

    /// The fewest workers the lifecycle can run on: one to distribute onto, one added in Phase 3
    /// (and the first then drained).
    public static let minimumWorkerCount = 2

    public init(environment env: [String: String]) throws {
        coordinator = try Self.address("CITUS_COORDINATOR", in: env)
        database = try Self.identifier("CITUS_DATABASE", in: env)
        user = try Self.identifier("CITUS_USER", in: env)
        guard let password = env["CITUS_PASSWORD"], !password.isEmpty else {
            throw ConfigurationError.missing(
                "CITUS_PASSWORD", expected: "the password of CITUS_USER (scram authentication)")
        }
        self.password = password
        workers = try Self.workers(in: env, coordinator: coordinator)
        switch env["CITUS_VERIFY_RESET"] ?? "" {
        case "allow": allowsReset = true
        case "", "deny": allowsReset = false
        case let other:
            throw ConfigurationError.malformed("CITUS_VERIFY_RESET", value: other, expected: "'allow' or 'deny'")
        }
        localClusterDirectory = env["CITUS_LOCAL_CLUSTER_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        seed = try Self.number(
            "CITUS_VERIFY_SEED", in: env, default: 42, expected: "a whole number from 0 to \(UInt64.max)")
        scale = try Self.number(
            "CITUS_VERIFY_SCALE", in: env, default: 1, in: 1...Self.maximumScale,
            expected: "a whole number from 1 to \(Self.maximumScale)")
        shardCount =
            (env["CITUS_VERIFY_SHARD_COUNT"] ?? "").isEmpty
            ? nil
            : try Self.number(
                "CITUS_VERIFY_SHARD_COUNT", in: env, default: 32, in: 1...64_000,
                expected: "a whole number from 1 to 64000 (the citus.shard_count the cluster distributes with)")
        queryDeadline = .seconds(
            try Self.number(
                ReplyDeadline.variable, in: env, default: Int(ReplyDeadline.fallback.seconds),
                in: 1...86_400, expected: "a whole number of seconds from 1 to 86400"))
    }

    /// The workers, in order: `CITUS_WORKERS` (host:port,host:port,…, with `CITUS_WORKERS_TEST` for
    /// the addresses the tests use, same length, when they differ), else `CITUS_WORKER1_ADDR`,
    /// `CITUS_WORKER2_ADDR`, … (each with its optional `_TEST_ADDR`) up to the first one not set.
    /// Two ways at once, a gap in the numbers, a malformed or repeated entry, or fewer than two
    /// workers: an error naming the variable and the form it expects.
    static func workers(in env: [String: String], coordinator: NodeAddress) throws -> [Worker] {
        let listed = (env["CITUS_WORKERS"] ?? "").trimmingCharacters(in: .whitespaces)
        let numbered = env.keys.filter {
            $0.hasPrefix("CITUS_WORKER") && $0.hasSuffix("_ADDR") && !(env[$0] ?? "").isEmpty
        }
        var pairs: [(name: String, registered: NodeAddress, test: NodeAddress, source: String)] = []
        if !listed.isEmpty {
            if let mixed = numbered.sorted().first {
                throw ConfigurationError(
                    variable: "CITUS_WORKERS", problem: "is set, and so is \(mixed)",
                    expected:
                        """
                        the workers one way: CITUS_WORKERS=host:port,host:port,… or CITUS_WORKER1_ADDR, \
                        CITUS_WORKER2_ADDR, …
                        """
                )
            }
            let registered = try addressList("CITUS_WORKERS", listed)
            let testText = (env["CITUS_WORKERS_TEST"] ?? "").trimmingCharacters(in: .whitespaces)
            let test = testText.isEmpty ? registered : try addressList("CITUS_WORKERS_TEST", testText)
            guard test.count == registered.count else {
                throw ConfigurationError.malformed(
                    "CITUS_WORKERS_TEST", value: testText,
                    expected: "one host:port per entry of CITUS_WORKERS (\(registered.count)), in the same order")
            }
            for index in registered.indices {
                pairs.append(("worker\(index + 1)", registered[index], test[index], "CITUS_WORKERS entry \(index + 1)"))
            }
        } else {
            var number = 1
            while let text = env["CITUS_WORKER\(number)_ADDR"], !text.isEmpty {
                let registered = try address("CITUS_WORKER\(number)_ADDR", in: env)
                let testVariable = "CITUS_WORKER\(number)_TEST_ADDR"
                // The test address defaults to the registered one: on one host they are the same.
                let test = (env[testVariable] ?? "").isEmpty ? registered : try address(testVariable, in: env)
                pairs.append(("worker\(number)", registered, test, "CITUS_WORKER\(number)_ADDR"))
                number += 1
            }
            let next = "CITUS_WORKER\(number)_ADDR"
            let later = numbered.compactMap { key -> Int? in
                guard !key.hasSuffix("_TEST_ADDR") else { return nil }
                return Int(key.dropFirst("CITUS_WORKER".count).dropLast("_ADDR".count))
            }.filter { $0 > number }.min()
            if let later {
                throw ConfigurationError(
                    variable: next, problem: "is not set, but CITUS_WORKER\(later)_ADDR is",
                    expected: "workers numbered from 1 without a gap (or CITUS_WORKERS=host:port,host:port,…)")
            }
            if pairs.count < minimumWorkerCount {
                throw ConfigurationError.missing(
                    pairs.isEmpty ? "CITUS_WORKERS" : next,
                    expected:
                        """
                        at least \(minimumWorkerCount) workers: CITUS_WORKERS=host:port,host:port,… or \
                        CITUS_WORKER1_ADDR, CITUS_WORKER2_ADDR, … (host:port, e.g. 127.0.0.1:9701)
                        """
                )
            }
        }
        guard pairs.count >= minimumWorkerCount else {
            throw ConfigurationError.malformed(
                "CITUS_WORKERS", value: listed,
                expected: "at least \(minimumWorkerCount) workers as host:port,host:port,…")
        }
        // Two names for one server would make every per-node count wrong: refused.
        var seen: [NodeAddress: String] = [coordinator: "CITUS_COORDINATOR"]
        for pair in pairs {
            for address in Set([pair.registered, pair.test]) {
                if let first = seen[address] {
                    throw ConfigurationError(
                        variable: pair.source, problem: "is \(address), which \(first) already names",
                        expected: "a different host:port for every node")
                }
                seen[address] = pair.source
            }
        }
        return pairs.map { Worker(name: $0.name, registeredAddress: $0.registered, testAddress: $0.test) }
    }

    /// `host:port,host:port,…`; an entry that is not host:port names its position.
    private static func addressList(_ variable: String, _ text: String) throws -> [NodeAddress] {
        try text.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { index, entry in
            let entry = entry.trimmingCharacters(in: .whitespaces)
            guard let address = NodeAddress(parsing: entry) else {
                throw ConfigurationError(
                    variable: variable, problem: "entry \(index + 1) is '\(entry)'",
                    expected:
                        """
                        a comma-separated list of host:port with ports from 1 to 65535, e.g. \
                        127.0.0.1:9701,127.0.0.1:9702
                        """
                )
            }
            return address
        }
    }

    private static func number<N: FixedWidthInteger>(
        _ variable: String, in env: [String: String], default fallback: N,
        in range: ClosedRange<N> = N.min...N.max, expected: String
    ) throws -> N {
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
            throw ConfigurationError.malformed(
                variable, value: text, expected: "host:port with a port from 1 to 65535, e.g. 127.0.0.1:9700")
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
            throw ConfigurationError.malformed(
                variable, value: text, expected: "a lower-case SQL identifier ([a-z_][a-z0-9_]*)")
        }
        return text
    }
}
