import ClusterFixtures
import ClusterTesting
import Foundation
import Testing
import Yams

/// docker-compose.yml cannot run here (no Docker engine); these checks keep it consistent with
/// .env.example, the contract the tests read.
@Suite("docker-compose.yml agrees with .env.example")
struct ComposeFileTests {
    let compose: [String: Any]
    let example: [String: String]

    init() throws {
        let root = ProjectLayout.root
        compose = try #require(
            try Yams.load(yaml: String(contentsOf: root.appendingPathComponent("docker-compose.yml"), encoding: .utf8))
                as? [String: Any])
        example = try EnvironmentFile.load(root.appendingPathComponent(".env.example"))
    }

    var services: [String: [String: Any]] { (compose["services"] as? [String: [String: Any]]) ?? [:] }

    @Test("A coordinator and three workers, each with a healthcheck")
    func services_() {
        #expect(Set(services.keys) == ["coordinator", "worker1", "worker2", "worker3"])
        for (name, service) in services {
            #expect(service["healthcheck"] != nil, "\(name)")
            #expect((service["image"] as? String)?.hasPrefix("citusdata/citus:") == true, "\(name)")
        }
    }

    @Test("Every node runs the same pinned image, of a Citus release line and PostgreSQL major the suite is tested on")
    func imagePinned() throws {
        let images = Set(services.values.compactMap { $0["image"] as? String })
        #expect(images.count == 1, "one image for every node: \(images.sorted())")
        let image = try #require(images.first)
        let match = try #require(
            image.wholeMatch(of: /citusdata\/citus:(\d+)\.(\d+)\.(\d+)-pg(\d+)/),
            "\(image): pin a full version and the PostgreSQL major (citusdata/citus:X.Y.Z-pgNN), not a floating tag")
        let tested = TestedVersions.pairs.contains {
            $0.citusReleaseLine == "\(match.1).\(match.2)" && $0.postgresMajor == Int(match.4)
        }
        #expect(tested, "\(image) is not a pair the suite ran green on: \(TestedVersions.pairsDescription)")
    }

    @Test("Every variable the compose file uses is documented in .env.example")
    func variablesDocumented() throws {
        let text = try String(
            contentsOf: ProjectLayout.root.appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        let used = Set(text.matches(of: /\$\{([A-Z0-9_]+)/).map { String($0.1) })
        #expect(!used.isEmpty)
        #expect(used.subtracting(example.keys).isEmpty, "undocumented: \(used.subtracting(example.keys).sorted())")
    }

    @Test("Published ports are on loopback and match the addresses in .env.example")
    func ports() throws {
        let configuration = try ClusterConfiguration(environment: example)
        func published(_ service: String) -> String? { (services[service]?["ports"] as? [String])?.first }
        #expect(published("coordinator") == "127.0.0.1:\(configuration.coordinator.port):5432")
        #expect(configuration.coordinator.host == "127.0.0.1")
        for worker in configuration.workers {
            #expect(published(worker.name) == "\(worker.testAddress.host):\(worker.testAddress.port):5432")
            #expect(
                worker.registeredAddress == NodeAddress(host: worker.name, port: 5432),
                "the coordinator reaches \(worker.name) by its service name inside the network")
        }
    }

    @Test(".env.example holds a placeholder, not a password")
    func placeholderPassword() {
        #expect(example["CITUS_PASSWORD"] == "change-me")
    }
}
