import ClusterFixtures
import ClusterTesting
import Testing

/// Phase 5: the Citus upgrade every cluster goes through, rehearsed on a cluster of its own that
/// Phases 1-3 brought to the sharded, rebalanced, tenant-isolated state, with writers running
/// across it (`UpgradeRehearsal`). Every "before" was read on that cluster right before the
/// upgrade; every "after" right after it.
@Suite("Phase 5: upgrade Citus on a sharded cluster with writes running", .serialized, .requiresUpgrade(.citus))
struct Phase5Tests {
    let rehearsal: UpgradeRehearsal
    var plan: UpgradePlan { rehearsal.plan }

    init() throws {
        rehearsal = try UpgradeRehearsal.shared()
    }

    @Test(
        """
        Citus is upgraded on every node: each extension moved from the old version to the new one, and the \
        library loaded is the new one
        """,
        .upgradeCheck)
    func citusUpgradedEverywhere() throws {
        let nodes = rehearsal.metadataBefore.keys.sorted()
        #expect(nodes.contains("coordinator") && nodes.count >= 3, "the cluster's nodes: \(nodes)")
        #expect(
            Set(rehearsal.extensionBefore.values) == [plan.from.citusVersion], "before: \(rehearsal.extensionBefore)")
        #expect(Set(rehearsal.extensionAfter.values) == [plan.to.citusVersion], "after: \(rehearsal.extensionAfter)")
        #expect(rehearsal.extensionAfter.keys.sorted() == nodes)
        let line = try #require(CitusSupport.releaseLine(of: plan.to.citusVersion ?? ""))
        for (node, library) in rehearsal.libraryAfter {
            #expect(library.hasPrefix("Citus \(line)."), "\(node) runs \(library), not Citus \(line)")
        }
        #expect(rehearsal.upgrade.updates.map(\.node).sorted() == nodes)
        // server_version of Debian's servers reads "15.20 (Debian 15.20-0+deb12u1)": a prefix.
        #expect(rehearsal.serversBefore.values.allSatisfy(plan.from.isVersion(ofServer:)), "\(rehearsal.serversBefore)")
        #expect(rehearsal.serversAfter.values.allSatisfy(plan.to.isVersion(ofServer:)), "\(rehearsal.serversAfter)")
        Evidence.note(
            "\(plan): "
                + rehearsal.upgrade.updates.map {
                    "\($0.node) \($0.from) → \($0.to) in \(String(format: "%.2f", $0.seconds)) s"
                }
                .joined(separator: "; ")
                + "; citus_finish_citus_upgrade(): \(rehearsal.upgrade.finish ?? "not in this version")")
    }

    @Test("Every node was restarted once with the new library, and how long each was down is measured", .upgradeCheck)
    func eachNodeRestartedOnce() throws {
        let restarted = rehearsal.upgrade.restarts.map(\.node)
        #expect(Set(restarted).count == restarted.count, "a node restarted twice: \(restarted)")
        #expect(restarted.first == "coordinator", "the coordinator goes first, as in Citus's own upgrade test")
        #expect(Set(rehearsal.metadataBefore.keys).isSubset(of: Set(restarted)))
        // Each node's postmaster is younger than the upgrade: it was really restarted.
        #expect(rehearsal.postmasterStartedAfter.keys.sorted() == rehearsal.metadataBefore.keys.sorted())
        for (node, started) in rehearsal.postmasterStartedAfter {
            #expect(started > rehearsal.upgrade.startedAt, "\(node)'s server started before the upgrade began")
        }
        Evidence.note(
            "downtime per node: "
                + rehearsal.upgrade.restarts.map { "\($0.node) \(String(format: "%.2f", $0.downtimeSeconds)) s" }
                .joined(separator: ", ") + "; the whole upgrade \(String(format: "%.1f", rehearsal.upgrade.seconds)) s")
    }

    @Test("Every table's checksum equals the generator's after the upgrade", .upgradeCheck)
    func checksumsAfterUpgrade() throws {
        #expect(rehearsal.checksumsAfter == rehearsal.baseline.checksums)
        Evidence.note(
            "checksums after the upgrade: " + rehearsal.checksumsAfter.map(\.description).joined(separator: "; "))
    }

    @Test(
        "Placements, hash ranges, colocation and the isolated tenant's shard are as before the upgrade, on every node",
        .upgradeCheck)
    func metadataUnchanged() throws {
        #expect(!rehearsal.metadataBefore.isEmpty)
        for (node, before) in rehearsal.metadataBefore {
            let after = try #require(rehearsal.metadataAfter[node], "no metadata read on \(node) after the upgrade")
            #expect(before.differences(to: after).isEmpty, "\(node): \(before.differences(to: after))")
            #expect(!before.placements.isEmpty || node != "coordinator", "no placement was read before the upgrade")
        }
        #expect(
            rehearsal.isolatedShardAfter == rehearsal.isolatedShardBefore, "tenant \(rehearsal.isolatedTenant)'s shard")
        let coordinator = try #require(rehearsal.metadataAfter["coordinator"])
        #expect(coordinator.shards.contains { $0.hasPrefix("shard \(rehearsal.isolatedShardAfter) of orders ") })
        Evidence.note(
            "metadata compared on \(rehearsal.metadataBefore.keys.sorted().joined(separator: ", ")): "
                + "\(coordinator.tables.count) tables, "
                + "\(coordinator.shards.count) shards, \(coordinator.placements.count) placements, "
                + "\(coordinator.nodes.count) nodes; "
                + "tenant \(rehearsal.isolatedTenant) still on shard \(rehearsal.isolatedShardAfter)")
    }

    @Test(
        """
        Every worker's metadata agrees with the coordinator's, after the upgrade and after the move and isolation \
        on the new version
        """,
        .upgradeCheck)
    func workersAgreeWithCoordinator() throws {
        for snapshots in [rehearsal.metadataAfter, rehearsal.metadataAfterOperations] {
            let coordinator = try #require(snapshots["coordinator"])
            #expect(snapshots.count >= 3, "\(snapshots.keys.sorted())")
            for (node, metadata) in snapshots where node != "coordinator" {
                #expect(
                    metadata.differences(to: coordinator).isEmpty,
                    "\(node) against the coordinator: \(metadata.differences(to: coordinator))")
            }
        }
    }

    @Test(
        "Router and multi-shard plans are as before: one task on the tenant's node, one task per shard", .upgradeCheck)
    func plansAsBefore() throws {
        #expect(rehearsal.routerAfter.citusExecutor != nil, "\(rehearsal.routerAfter)")
        #expect(rehearsal.routerAfter.taskCount == 1)
        #expect(rehearsal.routerAfter.taskNodes == rehearsal.routerBefore.taskNodes)
        #expect(rehearsal.routerBefore.taskNodes.count == 1, "\(rehearsal.routerBefore)")
        let shards = try #require(rehearsal.metadataAfter["coordinator"]).shards.filter { $0.contains(" of orders ") }
            .count
        #expect(rehearsal.multiShardAfter.taskCount == shards, "\(rehearsal.multiShardAfter)")
        #expect(rehearsal.multiShardBefore.taskCount == shards)
    }

    @Test(
        """
        Id sequences continue: each hands out a value above the last it gave before the upgrade and above every \
        id in use
        """,
        .upgradeCheck)
    func sequencesContinue() throws {
        #expect(rehearsal.sequenceBefore.keys.sorted() == ["order_items", "orders"])
        for (table, before) in rehearsal.sequenceBefore {
            let after = try #require(rehearsal.sequenceAfter[table])
            let highest = try #require(rehearsal.highestIDAfter[table])
            #expect(after > before, "\(table): \(after) after, \(before) before")
            #expect(after > highest, "\(table): the sequence hands out \(after), but id \(highest) is already in use")
        }
    }

    @Test(
        """
        Writers ran up to the upgrade and after it, every acknowledged write is there, and their errors are only \
        those of a restart
        """,
        .upgradeCheck)
    func writesAcrossUpgrade() throws {
        let writes = try #require(rehearsal.writes)
        #expect(writes.ledger.holds, "\(writes.ledger)")
        #expect(rehearsal.acknowledgedBefore > 0, "no write was acknowledged before the first restart")
        #expect(rehearsal.acknowledgedAfter > 0, "no write was acknowledged after the last update")
        let unexpected = ExpectedWriterErrors.unexpected(in: writes.ledger)
        #expect(unexpected.isEmpty, "\(unexpected)")
        // XX000 is allowed for one reason only: the first one seen must be it.
        if let internalError = writes.ledger.errorExamples["XX000"] {
            #expect(
                internalError.contains("loaded Citus library version differs from installed extension version"),
                "\(internalError)")
        }
        Evidence.availability(writes.ledger.availability(outcome: "completed"))
        Evidence.note(
            """
            writers: \(rehearsal.acknowledgedBefore) orders acknowledged before the first restart, \
            \(rehearsal.acknowledgedAfter) after the last update; \(writes.ledger)
            """
        )
    }

    @Test("A shard move and a tenant isolation work on the new version, and lose nothing", .upgradeCheck)
    func operationsOnNewVersion() throws {
        let move = try #require(rehearsal.move, "the cluster had fewer than two workers to move a shard between")
        #expect(move.placementAfter == move.to, "shard \(move.shard) is on \(move.placementAfter), not \(move.to)")
        let isolation = try #require(rehearsal.isolation)
        #expect(
            isolation.shardMinValue == isolation.tenantHash && isolation.shardMaxValue == isolation.tenantHash,
            "\(isolation)")
        #expect(isolation.orderShardCountAfter > isolation.orderShardCountBefore)
        #expect(rehearsal.checksumsAfterOperations == rehearsal.baseline.checksums)
    }
}
