import ClusterTesting
import Foundation
import Testing

@testable import ClusterFixtures

@Suite("A stored lifecycle stage is reused only when the same steps and checks built it")
struct ProjectFingerprintTests {
    @Test(
        """
        Editing, adding or renaming a file under sql/, Sources/ or scripts/ changes the fingerprint; other \
        folders do not
        """
    )
    func fingerprintFollowsTheSteps() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fingerprint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["sql/setup", "Sources", "scripts", "docs"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let step = root.appendingPathComponent("sql/setup/00.sql")
        try "SELECT 1;\n".write(to: step, atomically: true, encoding: .utf8)
        let original = ProjectFingerprint.compute(root: root)
        #expect(ProjectFingerprint.compute(root: root) == original, "stable")
        try "SELECT 2;\n".write(to: step, atomically: true, encoding: .utf8)
        let edited = ProjectFingerprint.compute(root: root)
        #expect(edited != original)
        try "x".write(to: root.appendingPathComponent("docs/notes.md"), atomically: true, encoding: .utf8)
        #expect(ProjectFingerprint.compute(root: root) == edited, "docs/ is not a step")
        try "x".write(to: root.appendingPathComponent("scripts/new.sh"), atomically: true, encoding: .utf8)
        let withScript = ProjectFingerprint.compute(root: root)
        #expect(withScript != edited)
        // A generated mutant switched on in a schema is code that builds the stage, as an edit is.
        #expect(ProjectFingerprint.compute(root: root, activeMutant: "swift-X-swap-equality-1") != withScript)
        #expect(ProjectFingerprint.compute(root: root, activeMutant: "") == withScript, "none on")
    }

    @Test("A stage's fingerprint covers the steps up to it: a later step's file or a query file leaves it as it was")
    func stageFingerprintCoversItsSteps() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fingerprint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let files = [
            SQLFile.createBaseTables, .distributeTables, .rebalanceShards, .undistributeTables, .explainAnalyze,
        ]
        for file in files {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("sql/" + file.rawValue).deletingLastPathComponent(),
                withIntermediateDirectories: true)
            try "SELECT 1;\n".write(
                to: root.appendingPathComponent("sql/" + file.rawValue), atomically: true, encoding: .utf8)
        }
        func all() -> [LifecycleStage: String] {
            Dictionary(
                uniqueKeysWithValues: LifecycleStage.allCases.map {
                    ($0, ProjectFingerprint.compute(root: root, stage: $0))
                })
        }
        let before = all()
        #expect(Set(before.values).count == 4, "each stage has its own")
        try "SELECT 2;\n".write(
            to: root.appendingPathComponent("sql/" + SQLFile.rebalanceShards.rawValue), atomically: true,
            encoding: .utf8)
        let after = all()
        #expect(after[.baseline] == before[.baseline] && after[.distributed] == before[.distributed])
        #expect(after[.resharded] != before[.resharded] && after[.undistributed] != before[.undistributed])
        try "SELECT 3;\n".write(
            to: root.appendingPathComponent("sql/" + SQLFile.explainAnalyze.rawValue), atomically: true, encoding: .utf8
        )
        #expect(all() == after, "a query file builds no stage")
        try "SELECT 4;\n".write(
            to: root.appendingPathComponent("sql/" + SQLFile.createBaseTables.rawValue), atomically: true,
            encoding: .utf8)
        #expect(
            Set(LifecycleStage.allCases.filter { all()[$0] == after[$0] }).isEmpty, "the first step builds every stage")
    }
}
