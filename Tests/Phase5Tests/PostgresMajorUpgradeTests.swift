import ClusterFixtures
import ClusterTesting
import Testing

/// Phase 5 for a PostgreSQL major upgrade (`PostgresUpgradeRehearsal`): `pg_upgrade` of every node
/// of a sharded cluster of its own, between Citus's preparation and finishing calls. Whether
/// `pg_upgrade` succeeds or not, the cluster that answers afterwards (the new one, or the old one
/// started again) must hold every row and the same metadata; which of the two it is, and why, is
/// reported.
@Suite(
    "Phase 5: upgrade PostgreSQL's major version on a sharded cluster", .serialized, .requiresUpgrade(.postgresMajor))
struct PostgresMajorUpgradeTests {
    let rehearsal: PostgresUpgradeRehearsal
    var plan: UpgradePlan { rehearsal.plan }

    init() throws {
        rehearsal = try PostgresUpgradeRehearsal.shared()
    }

    @Test(
        """
        pg_upgrade upgrades every node of the cluster after citus_prepare_pg_upgrade() on each; a failure is \
        reported in one line, with the old server running again
        """,
        .upgradeCheck)
    func outcomeReported() throws {
        let nodes = rehearsal.serversBefore.keys.sorted()
        #expect(nodes.count >= 4, "every node of the cluster's folder, the removed worker too: \(nodes)")
        switch rehearsal.outcome {
        case .upgraded:
            #expect(rehearsal.serversAfter.values.allSatisfy(plan.to.isVersion(ofServer:)), "\(rehearsal.serversAfter)")
            Evidence.note(
                """
                \(plan): pg_upgrade succeeded on every node; the cluster was down \
                \(String(format: "%.1f", rehearsal.downtimeSeconds)) s
                """
            )
        case .failed(let node, let cause):
            #expect(nodes.contains(node), "the failed node \(node) is one of \(nodes)")
            #expect(
                rehearsal.serversAfter.values.allSatisfy(plan.from.isVersion(ofServer:)),
                "after a failed pg_upgrade the old server runs again: \(rehearsal.serversAfter)")
            // A failed upgrade fails this test, but for the one cause known here: a newer minor of the
            // old major stores an attribute option (pg_attver) an older minor of the new one lacks.
            if cause.contains("unrecognized parameter \"pg_attver\"") {
                recordingKnownIssue(
                    """
                    pg_upgrade from PostgreSQL \(plan.from.postgresVersion) to \(plan.to.postgresVersion) fails: \
                    the older minor of the new major does not know the attribute option pg_attver
                    """
                ) {
                    Issue.record("pg_upgrade failed on \(node): \(cause)")
                }
            } else {
                Issue.record("pg_upgrade failed on \(node): \(cause)")
            }
            Evidence.note(
                "\(plan): pg_upgrade FAILED on \(node): \(cause). The old cluster was started again "
                    + """
                    (down \(String(format: "%.1f", rehearsal.downtimeSeconds)) s); a successful major upgrade \
                    could not be rehearsed with these servers
                    """
            )
        }
    }

    @Test(
        "After a failed pg_upgrade, what citus_prepare_pg_upgrade() changed on the old cluster is found and reported",
        .upgradeCheck)
    func preparationLeftovers() throws {
        guard case .failed = rehearsal.outcome else { return }
        // Seen here (Citus 13.2.2, PostgreSQL 15.20): the preparation dropped array_cat_agg and
        // any_value, so two kinds of multi-shard query fail on the old cluster, and
        // citus_finish_pg_upgrade() cannot restore them there (duplicate key in pg_dist_partition).
        // Recorded while it holds; the day the old cluster answers them, this goes loud.
        let known = [
            "array_cat_agg", "\"any_value\" does not exist",
            "duplicate key value violates unique constraint \"pg_dist_partition",
        ]
        let unknown = rehearsal.leftByPreparation.filter { line in !known.contains { line.contains($0) } }
        #expect(unknown.isEmpty, "a probe failed for another reason: \(unknown)")
        recordingKnownIssue(
            """
            after citus_prepare_pg_upgrade() and a failed pg_upgrade, the old cluster lacks array_cat_agg and \
            any_value, and citus_finish_pg_upgrade() cannot restore them (see citusdata/citus#8016 for finish's \
            other failures)
            """
        ) {
            #expect(
                rehearsal.leftByPreparation.filter { line in known.contains { line.contains($0) } }.isEmpty,
                "\(rehearsal.leftByPreparation)")
        }
        Evidence.note(
            "left by citus_prepare_pg_upgrade() on the old cluster: "
                + (rehearsal.leftByPreparation.isEmpty
                    ? "nothing a probe found" : rehearsal.leftByPreparation.joined(separator: "; ")))
    }

    @Test(
        """
        The cluster that answers afterwards holds every row: each checksum equals the generator's, and the demo \
        queries return the generator's results
        """,
        .upgradeCheck)
    func everyRowKept() throws {
        #expect(rehearsal.checksumsAfter == rehearsal.baseline.checksums)
        #expect(rehearsal.queryMismatches.isEmpty, "\(rehearsal.queryMismatches)")
    }

    @Test(
        "Citus's metadata is as before on every node, and every worker's agrees with the coordinator's", .upgradeCheck)
    func metadataKept() throws {
        #expect(rehearsal.metadataBefore.count >= 3, "\(rehearsal.metadataBefore.keys.sorted())")
        for (node, before) in rehearsal.metadataBefore {
            let after = try #require(rehearsal.metadataAfter[node], "\(node) was not read afterwards")
            #expect(before.differences(to: after).isEmpty, "\(node): \(before.differences(to: after))")
        }
        let coordinator = try #require(rehearsal.metadataAfter["coordinator"])
        for (node, metadata) in rehearsal.metadataAfter where node != "coordinator" {
            #expect(
                metadata.differences(to: coordinator).isEmpty,
                "\(node) against the coordinator: \(metadata.differences(to: coordinator))")
        }
        #expect(
            rehearsal.extensionAfter == rehearsal.extensionBefore,
            "Citus's extension version stays: \(rehearsal.extensionAfter)")
    }
}
