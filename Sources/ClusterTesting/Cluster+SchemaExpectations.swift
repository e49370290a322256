import ClusterFixtures
import Testing

extension Cluster {
    /// After `undistribute_table`: the NOT NULL constraints kept their names. On PostgreSQL 18 they
    /// do not (they are named after undistribute's temporary table,
    /// `BaselineSchema.notNullNamedAfterTemporaryTable`): recorded as a known issue there, with the
    /// rename that repairs it, so the day a release keeps the names "known issue was not recorded"
    /// fails and the note gets updated. Before 18 no such constraint exists and nothing may differ.
    public func expectNotNullNamesKept(_ renamed: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard try serverVersionNum() >= 180_000 else {
            #expect(renamed.isEmpty, "\(renamed)", sourceLocation: sourceLocation)
            return
        }
        recordingKnownIssue(
            Comment(
                rawValue: "undistribute_table on PostgreSQL 18 names NOT NULL constraints after its temporary table "
                    + "(docs/citus-issues.md; repair: ALTER TABLE … RENAME CONSTRAINT)"),
            sourceLocation: sourceLocation
        ) {
            #expect(
                renamed.isEmpty, "\(renamed.count) NOT NULL constraints renamed: \(renamed)",
                sourceLocation: sourceLocation)
        }
    }
}
