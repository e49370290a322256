import ClusterFixtures
import Testing

/// Tells the read log which test loads each SQL file, so that a generated mutant of a file runs
/// first the few tests that load it (`citus-verify mutate --generated`) rather than its whole target.
///
/// A reader is named the way `swift test --filter` matches it (`Phase2Tests.Phase2Tests/demoQueries()`);
/// a suite's own setup (a phase's operations, run by its trait) is `suite:` and the suite's name, which
/// the mutation run reads as "every test of that suite".
enum ReadAttribution {
    /// Installed once, by the first trait that scopes a suite using the cluster.
    static let installed: Void = ReadLog.identifyReaders { Test.current.map(reader) }

    static func reader(_ test: Test) -> String {
        let name = test.id.moduleName + "." + test.id.nameComponents.joined(separator: "/")
        return test.isSuite ? "suite:" + name : name
    }
}
