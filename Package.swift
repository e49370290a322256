// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "citus-verify",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ClusterFixtures", targets: ["ClusterFixtures"]),
        .executable(name: "citus-verify", targets: ["CitusVerify"]),
    ],
    dependencies: [
        // Only the docker-compose agreement test reads YAML; the fixtures themselves need nothing
        // beyond libpq, which keeps a clean build in seconds.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The operator's command-line tool.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The benchmark's CSV is written by a real CSV writer (stage names hold commas) and read back
        // in a test by another implementation, SwiftCSV, as a spreadsheet would read it.
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        // Load latencies (p50/p95/p99/max) in constant memory, however long `load` runs.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // Generated Swift mutants are made from the syntax tree, not from text patterns.
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // MD5 and SHA-256 from OpenSSL's libcrypto, which libpq already links (Foundation on Linux
        // has neither hash): the checksum oracle computes in Swift, from the seed, the md5 sums the
        // database computes over the tables; SHA-256 fingerprints the files a stored stage was
        // built by. A package of its own (swift-crypto) would compile a second copy of BoringSSL,
        // over half of a clean build's steps.
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "ClusterFixtures",
            dependencies: [
                "CLibPQ", "CLibCrypto",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // Test support: the traits (.phase, .proves, .requiresCitus, .exclusiveCluster), the phase
        // context and the evidence notes. The only target that imports Testing besides the tests, so
        // that ClusterFixtures and the tool do not link libTesting.so.
        .target(name: "ClusterTesting", dependencies: ["ClusterFixtures"]),
        // Generated mutants: operators applied mechanically to every SQL file and to the oracles'
        // Swift code, so that the faults the suite must catch are not chosen by who wrote the checks.
        .target(
            name: "Mutants",
            dependencies: [
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftParser", package: "swift-syntax"),
            ]
        ),
        // What a run leaves for people: the sign-off, the report page, the benchmark and scale
        // reports (and the measurements that make them), JUnit reading, the mutation reports and the
        // figures generated into the docs. Read by the tool and by the tests of these reports; the
        // fixtures never reach up to it.
        .target(
            name: "Reports",
            dependencies: ["ClusterFixtures", "Mutants", .product(name: "CSV", package: "CSV.swift")]
        ),
        // The operator's tool: setup, load, reshard, demo, stats, on the same fixtures the tests use.
        .executableTarget(
            name: "CitusVerify",
            dependencies: [
                "ClusterFixtures", "Reports", "Mutants",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The mutant generators, on files they are given: no database.
        .testTarget(name: "MutantsTests", dependencies: ["Mutants"]),
        // The fixtures' own parts (configuration, SQL files, oracles, seed, ledger), the mutation
        // catalogue and the docs' agreement with the code: no database.
        .testTarget(
            name: "ClusterFixturesTests",
            dependencies: ["ClusterFixtures", "ClusterTesting", "Reports", .product(name: "Yams", package: "Yams")]
        ),
        // The reports, from files written by hand: no database; the report page's test renders it
        // in chromium (skipped without it, a failure under CITUS_VERIFY_REQUIRE_BROWSER=1).
        .testTarget(
            name: "ReportsTests",
            dependencies: [
                "ClusterFixtures", "ClusterTesting", "Reports", .product(name: "SwiftCSV", package: "SwiftCSV"),
            ]
        ),
        // The lifecycle, one target per phase, run in order against one cluster.
        .testTarget(name: "Phase1Tests", dependencies: ["ClusterFixtures", "ClusterTesting"]),
        .testTarget(name: "Phase2Tests", dependencies: ["ClusterFixtures", "ClusterTesting"]),
        .testTarget(name: "Phase3Tests", dependencies: ["ClusterFixtures", "ClusterTesting"]),
        .testTarget(name: "Phase4Tests", dependencies: ["ClusterFixtures", "ClusterTesting"]),
        .testTarget(name: "Phase5Tests", dependencies: ["ClusterFixtures", "ClusterTesting"]),
        // The performance report (make bench) measured end to end, its numbers reported, not judged.
        .testTarget(name: "BenchmarkTests", dependencies: ["ClusterFixtures", "ClusterTesting", "Reports"]),
        // Bad input and faults: clear errors, and nothing lost when a node or a connection dies mid-move.
        .testTarget(name: "ResilienceTests", dependencies: ["ClusterFixtures", "ClusterTesting"]),
        // The command-line tool, run as a process against the cluster (after Phase 4 in a serial run).
        .testTarget(name: "ToolTests", dependencies: ["ClusterFixtures", "ClusterTesting", "Reports", "CitusVerify"]),
    ]
)
