@testable import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

@Suite("A stored lifecycle stage is reused only when the same steps and checks built it")
struct ProjectFingerprintTests {
    @Test("Editing, adding or renaming a file under sql/, Sources/ or scripts/ changes the fingerprint; other folders do not")
    func fingerprintFollowsTheSteps() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fingerprint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["sql/setup", "Sources", "scripts", "docs"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
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
        #expect(ProjectFingerprint.compute(root: root) != edited)
    }
}
