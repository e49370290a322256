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
        #expect(configuration.workers[2].testAddress == configuration.workers[2].registeredAddress, "test address defaults to the registered one")
        #expect(!configuration.allowsReset)
    }

    @Test("A missing variable is an error naming it and the expected form",
          arguments: ["CITUS_COORDINATOR", "CITUS_DATABASE", "CITUS_USER", "CITUS_PASSWORD", "CITUS_WORKER2_ADDR"])
    func missing(_ variable: String) {
        var env = Self.complete
        env[variable] = nil
        #expect { try ClusterConfiguration(environment: env) } throws: { error in
            let error = error as? ConfigurationError
            return error?.variable == variable && error?.problem == "is not set" && !(error?.expected.isEmpty ?? true)
        }
    }

    @Test("A malformed value is an error naming the variable, the value and the expected form",
          arguments: [("CITUS_COORDINATOR", "localhost"), ("CITUS_COORDINATOR", "h:99999"), ("CITUS_WORKER1_TEST_ADDR", "h:port"),
                      ("CITUS_DATABASE", "Bad-Name"), ("CITUS_USER", "x;drop"), ("CITUS_VERIFY_RESET", "yes"),
                      ("CITUS_VERIFY_SEED", "-1"), ("CITUS_VERIFY_SEED", "forty-two"), ("CITUS_VERIFY_SCALE", "0"),
                      ("CITUS_VERIFY_SCALE", "1001"), ("CITUS_VERIFY_SCALE", "2x")])
    func malformed(_ variable: String, _ value: String) {
        var env = Self.complete
        env[variable] = value
        #expect { try ClusterConfiguration(environment: env) } throws: { error in
            let error = error as? ConfigurationError
            return error?.variable == variable && (error?.description.contains("'\(value)'") ?? false)
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
