import ClusterFixtures
import Foundation

/// The migration checklist (`docs/seed-checklist.md`) read line by line: headings, deliverables
/// ("Create …") and the verification lines a test must prove.
public struct SeedChecklist: Sendable {
    public struct Line: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case heading(level: Int)
            /// A checkbox line that names something to build.
            case deliverable
            /// A checkbox line that names something to verify.
            case verification
            case other
        }
        public var text: String
        public var kind: Kind
        /// The checkbox line's words without the box (`Tables created successfully`), or the heading's.
        public var label: String
        public var indent: Int
        /// Labels of the verification lines nested under this one (`Verify all npm scripts work:`).
        public var children: [String] = []
    }

    public var lines: [Line]

    /// Where verification lines live: under a `### Verification` heading, under
    /// `## Testing & Validation`, and a top-level line starting with "Verify" with everything nested
    /// under it.
    public init(text: String) {
        var lines: [Line] = []
        var section = ""
        var subsection = ""
        var verifyingParent: (index: Int, indent: Int)?
        for raw in text.components(separatedBy: "\n") {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            let level = trimmed.prefix(while: { $0 == "#" }).count
            if level > 0, trimmed.dropFirst(level).hasPrefix(" ") {
                let label = trimmed.dropFirst(level).trimmingCharacters(in: .whitespaces)
                if level == 2 {
                    section = label
                    subsection = ""
                } else if level == 3 {
                    subsection = label
                }
                verifyingParent = nil
                lines.append(Line(text: raw, kind: .heading(level: level), label: label, indent: 0))
                continue
            }
            let indent = raw.prefix(while: { $0 == " " }).count
            guard trimmed.hasPrefix("- [ ] ") || trimmed.hasPrefix("- [x] ") || trimmed.hasPrefix("- [X] ") else {
                lines.append(Line(text: raw, kind: .other, label: trimmed, indent: indent))
                continue
            }
            let label = String(trimmed.dropFirst(6))
            if let parent = verifyingParent, indent <= parent.indent { verifyingParent = nil }
            // "Verify …" at the top level opens a block of checks ("Verify all npm scripts work:");
            // nested under a "Create …" line it describes what a script contains.
            let opensBlock = label.hasPrefix("Verify") && indent == 0
            let verifying =
                subsection == "Verification" || section == "Testing & Validation"
                || verifyingParent != nil || opensBlock
            if verifying, let parent = verifyingParent { lines[parent.index].children.append(label) }
            if opensBlock, verifyingParent == nil { verifyingParent = (lines.count, indent) }
            lines.append(Line(text: raw, kind: verifying ? .verification : .deliverable, label: label, indent: indent))
        }
        self.lines = lines
    }

    public init(contentsOf url: URL) throws {
        self.init(text: try String(contentsOf: url, encoding: .utf8))
    }

    /// The verification lines that a test must prove themselves (not those proved by their children).
    public var provableLabels: [String] {
        lines.filter { $0.kind == .verification && $0.children.isEmpty }.map(\.label)
    }

    /// The checklist kept in the repository.
    public static var projectFile: URL { ProjectLayout.root.appendingPathComponent("docs/seed-checklist.md") }
}
