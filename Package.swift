// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "citus-verify",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ClusterFixtures", targets: ["ClusterFixtures"]),
    ],
    dependencies: [
        // Only the docker-compose agreement test reads YAML; the fixtures themselves need nothing
        // beyond libpq, which keeps a clean build in seconds.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "ClusterFixtures",
            dependencies: ["CLibPQ"]
        ),
        // Pure unit tests: no database.
        .testTarget(
            name: "ClusterFixturesTests",
            dependencies: ["ClusterFixtures", .product(name: "Yams", package: "Yams")]
        ),
        // The lifecycle, one target per phase, run in order against one cluster.
        .testTarget(name: "Phase1Tests", dependencies: ["ClusterFixtures"]),
        .testTarget(name: "Phase2Tests", dependencies: ["ClusterFixtures"]),
        .testTarget(name: "Phase3Tests", dependencies: ["ClusterFixtures"]),
        .testTarget(name: "Phase4Tests", dependencies: ["ClusterFixtures"]),
    ]
)
