import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// The after-fault audit tested on itself: leftovers of the kinds faults leave are planted, one per
/// node, and each must be reported on its node; once they are removed the audit is clean again.
@Suite(
    "The after-fault audit sees each kind of leftover on the node it is on", .serialized, .requiresCitus,
    .exclusiveCluster)
struct FaultAuditTests {
    let cluster: Cluster
    init() throws { cluster = try Cluster.shared() }

    @Test(
        """
        A stray shard table, a Citus publication, a subscription role and a prepared transaction, each planted on \
        a worker, are each reported there
        """
    )
    func seesEachPlantedLeftover() throws {
        try cluster.lifecycle.ensure(.distributed)
        #expect(try FaultAudit.run(on: cluster).isClean, "clean before anything is planted")
        let nodes = cluster.workers
        let (a, b) = (nodes[0], nodes[1 % nodes.count])
        let plants: [(node: Node, plant: String, undo: String, expect: String)] = [
            (
                a, "CREATE TABLE public.orders_999999 (id int)", "DROP TABLE public.orders_999999",
                "shard tables of orders/order_items"
            ),
            // Made on the node alone, as Citus makes its own (not propagated by Citus's DDL hooks).
            (
                b,
                """
                SET citus.enable_ddl_propagation = off; CREATE PUBLICATION citus_shard_move_publication_99_99_99; \
                RESET citus.enable_ddl_propagation
                """,
                """
                SET citus.enable_ddl_propagation = off; DROP PUBLICATION citus_shard_move_publication_99_99_99; \
                RESET citus.enable_ddl_propagation
                """,
                "Citus publication citus_shard_move_publication_99_99_99 left"
            ),
            (
                a,
                """
                SET citus.enable_ddl_propagation = off; CREATE ROLE citus_shard_move_subscription_role_99_99; \
                RESET citus.enable_ddl_propagation
                """,
                """
                SET citus.enable_ddl_propagation = off; DROP ROLE citus_shard_move_subscription_role_99_99; RESET \
                citus.enable_ddl_propagation
                """,
                "Citus role citus_shard_move_subscription_role_99_99 left"
            ),
            (
                b, "BEGIN; CREATE TABLE audit_probe_prepared (id int); PREPARE TRANSACTION 'audit_probe'",
                "ROLLBACK PREPARED 'audit_probe'",
                "1 prepared transaction(s)"
            ),
        ]
        let audit: FaultAudit
        do {
            for plant in plants { try plant.node.execute(plant.plant) }
            audit = try FaultAudit.run(on: cluster, cleanupPatience: .seconds(1))
        } catch {
            for plant in plants { _ = try? plant.node.execute(plant.undo) }
            throw error
        }
        for plant in plants { try plant.node.execute(plant.undo) }
        for plant in plants {
            #expect(
                audit.findings.contains { $0.node == plant.node.name && $0.what.contains(plant.expect) },
                "planted on \(plant.node.name): \(plant.plant); the audit said: \(audit.findings)")
        }
        #expect(audit.findings.count == plants.count, "nothing else reported: \(audit.findings)")
        #expect(try FaultAudit.run(on: cluster).isClean, "clean again once removed")
        Evidence.note(
            """
            audit self-test: \(plants.count) leftovers planted, each reported on its node: \
            \(audit.findings.map(\.description).joined(separator: "; "))
            """
        )
    }
}
