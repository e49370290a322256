import ClusterFixtures
import ClusterTesting
import Testing

@Suite("Configuration from the environment")
struct ClusterConfigurationTests {
    static let complete: [String: String] = [
        "CITUS_COORDINATOR": "127.0.0.1:9700", "CITUS_DATABASE": "citus_verify", "CITUS_USER": "citus_verify",
        "CITUS_PASSWORD": "secret",
        "CITUS_WORKER1_ADDR": "worker1:5432", "CITUS_WORKER1_TEST_ADDR": "127.0.0.1:9701",
        "CITUS_WORKER2_ADDR": "worker2:5432", "CITUS_WORKER2_TEST_ADDR": "127.0.0.1:9702",
        "CITUS_WORKER3_ADDR": "127.0.0.1:9703",
    ]

    @Test("A complete environment gives each worker its registered and its test address")
    func complete() throws {
        let configuration = try ClusterConfiguration(environment: Self.complete)
        #expect(configuration.coordinator == NodeAddress(host: "127.0.0.1", port: 9700))
        #expect(configuration.workers.map(\.name) == ["worker1", "worker2", "worker3"])
        #expect(configuration.workers[0].registeredAddress == NodeAddress(host: "worker1", port: 5432))
        #expect(configuration.workers[0].testAddress == NodeAddress(host: "127.0.0.1", port: 9701))
        #expect(
            configuration.workers[2].testAddress == configuration.workers[2].registeredAddress,
            "test address defaults to the registered one")
        #expect(!configuration.allowsReset)
    }

    @Test(
        "A missing variable is an error naming it and the expected form",
        arguments: ["CITUS_COORDINATOR", "CITUS_DATABASE", "CITUS_USER", "CITUS_PASSWORD", "CITUS_WORKER2_ADDR"])
    func missing(_ variable: String) {
        var env = Self.complete
        env[variable] = nil
        #expect { try ClusterConfiguration(environment: env) } throws: { error in
            let error = error as? ConfigurationError
            return error?.variable == variable && (error?.problem.hasPrefix("is not set") ?? false)
                && !(error?.expected.isEmpty ?? true)
        }
    }

    @Test(
        "A malformed value is an error naming the variable, the value and the expected form",
        arguments: [
            ("CITUS_COORDINATOR", "localhost"), ("CITUS_COORDINATOR", "h:99999"), ("CITUS_WORKER1_TEST_ADDR", "h:port"),
            ("CITUS_DATABASE", "Bad-Name"), ("CITUS_USER", "x;drop"), ("CITUS_VERIFY_RESET", "yes"),
            ("CITUS_VERIFY_SEED", "-1"), ("CITUS_VERIFY_SEED", "forty-two"), ("CITUS_VERIFY_SCALE", "0"),
            ("CITUS_VERIFY_SCALE", "1001"), ("CITUS_VERIFY_SCALE", "2x"),
        ])
    func malformed(_ variable: String, _ value: String) {
        var env = Self.complete
        env[variable] = value
        #expect { try ClusterConfiguration(environment: env) } throws: { error in
            let error = error as? ConfigurationError
            return error?.variable == variable && (error?.description.contains("'\(value)'") ?? false)
        }
    }

    /// The environment without any worker variable.
    static var noWorkers: [String: String] { complete.filter { !$0.key.hasPrefix("CITUS_WORKER") } }

    @Test(
        """
        Workers as a list: any number from 2, in order, with the tests' addresses beside; the lifecycle's roles \
        follow the order
        """
    )
    func workerList() throws {
        var env = Self.noWorkers
        env["CITUS_WORKERS"] = "w1:5432, w2:5432,w3:5432,w4:5432,w5:5432"
        env["CITUS_WORKERS_TEST"] = (1...5).map { "127.0.0.1:970\($0)" }.joined(separator: ",")
        let five = try ClusterConfiguration(environment: env)
        #expect(five.workers.map(\.name) == ["worker1", "worker2", "worker3", "worker4", "worker5"])
        #expect(five.workers.map(\.registeredAddress.host) == ["w1", "w2", "w3", "w4", "w5"])
        #expect(five.workers[3].testAddress == NodeAddress(host: "127.0.0.1", port: 9704))
        #expect(five.initialWorkers.map(\.name) == ["worker1", "worker2", "worker3", "worker4"])
        #expect(five.addedWorker.name == "worker5" && five.drainedWorker.name == "worker1")
        env["CITUS_WORKERS_TEST"] = nil
        #expect(
            try ClusterConfiguration(environment: env).workers[4].testAddress == NodeAddress(host: "w5", port: 5432))

        var numbered = Self.noWorkers
        for n in 1...4 { numbered["CITUS_WORKER\(n)_ADDR"] = "127.0.0.1:970\(n)" }
        let four = try ClusterConfiguration(environment: numbered)
        #expect(four.workers.count == 4 && four.addedWorker.name == "worker4")
        #expect(
            Cluster(configuration: four).sqlVariables["workers"] == "127.0.0.1:9701,127.0.0.1:9702,127.0.0.1:9703",
            "Phase 2 registers all but the last")
        #expect(Cluster(configuration: four).sqlVariables["new_worker_port"] == "9704")
    }

    @Test(
        "Bad worker lists are one-line errors naming the variable and the expected form",
        arguments: [
            (["CITUS_WORKERS": "127.0.0.1:9701"], "CITUS_WORKERS", "at least 2 workers"),
            (["CITUS_WORKERS": "127.0.0.1:9701,nonsense"], "CITUS_WORKERS", "entry 2 is 'nonsense'"),
            (["CITUS_WORKERS": "127.0.0.1:9701,,127.0.0.1:9703"], "CITUS_WORKERS", "entry 2 is ''"),
            (
                ["CITUS_WORKERS": "127.0.0.1:9701,127.0.0.1:9702,127.0.0.1:9701"], "CITUS_WORKERS entry 3",
                "CITUS_WORKERS entry 1 already names"
            ),
            (
                ["CITUS_WORKERS": "127.0.0.1:9700,127.0.0.1:9702"], "CITUS_WORKERS entry 1",
                "CITUS_COORDINATOR already names"
            ),
            (
                ["CITUS_WORKERS": "127.0.0.1:9701,127.0.0.1:9702", "CITUS_WORKERS_TEST": "127.0.0.1:9801"],
                "CITUS_WORKERS_TEST", "one host:port per entry"
            ),
            (
                ["CITUS_WORKERS": "127.0.0.1:9701,127.0.0.1:9702", "CITUS_WORKER1_ADDR": "127.0.0.1:9701"],
                "CITUS_WORKERS", "and so is CITUS_WORKER1_ADDR"
            ),
            (["CITUS_WORKER1_ADDR": "127.0.0.1:9701"], "CITUS_WORKER2_ADDR", "at least 2 workers"),
            (
                [
                    "CITUS_WORKER1_ADDR": "127.0.0.1:9701", "CITUS_WORKER2_ADDR": "127.0.0.1:9702",
                    "CITUS_WORKER4_ADDR": "127.0.0.1:9704",
                ],
                "CITUS_WORKER3_ADDR", "but CITUS_WORKER4_ADDR is"
            ),
            (
                ["CITUS_WORKER1_ADDR": "127.0.0.1:9701", "CITUS_WORKER2_ADDR": "127.0.0.1:9701"], "CITUS_WORKER2_ADDR",
                "CITUS_WORKER1_ADDR already names"
            ),
            ([:], "CITUS_WORKERS", "is not set"),
        ])
    func badWorkers(_ workers: [String: String], _ variable: String, _ says: String) {
        let env = Self.noWorkers.merging(workers) { _, given in given }
        #expect { try ClusterConfiguration(environment: env) } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.variable == variable && error.description.contains(says) && !error.description.contains("\n")
        }
    }

    @Test("Seed and scale default to 42 and 1, and take the values given")
    func seedAndScale() throws {
        let defaults = try ClusterConfiguration(environment: Self.complete)
        #expect(defaults.seed == 42 && defaults.scale == 1)
        var env = Self.complete
        env["CITUS_VERIFY_SEED"] = "18446744073709551615"
        env["CITUS_VERIFY_SCALE"] = "100"
        let given = try ClusterConfiguration(environment: env)
        #expect(given.seed == UInt64.max && given.scale == 100)
    }

    @Test("Addresses parse host:port, bracketed IPv6, and refuse anything else")
    func addresses() {
        #expect(NodeAddress(parsing: "worker1:5432") == NodeAddress(host: "worker1", port: 5432))
        #expect(NodeAddress(parsing: "[::1]:5432") == NodeAddress(host: "::1", port: 5432))
        for bad in ["", "worker1", ":5432", "worker1:", "worker1:0", "a b:1", "::1:5432", "h:12x"] {
            #expect(NodeAddress(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("Environment files: comments, export, quotes; a line that is not KEY=VALUE names file and line")
    func environmentFile() throws {
        let values = try EnvironmentFile.parse("# comment\nexport A=1\nB = 'two words'\n\nC=\"x=y\"\n")
        #expect(values == ["A": "1", "B": "two words", "C": "x=y"])
        #expect { try EnvironmentFile.parse("A=1\nnot a setting\n", path: ".env") } throws: { error in
            (error as? ConfigurationError)?.variable == ".env:2"
        }
    }
}
