import ClusterTesting
import Foundation
import Testing

@testable import ClusterFixtures

/// The connection's ways of sending what the writers send: statements pipelined in one round trip,
/// statements prepared once, and the count of exchanges the load benchmark divides by transactions.
@Suite("Connection: pipelined statements answer in order, prepared statements are parsed once, exchanges are counted")
struct ConnectionExchangeTests {
    let cluster: Cluster
    init() throws { cluster = try Cluster.shared() }

    @Test("A pipeline's results come back in order, in one exchange, and a failure stops the statements after it")
    func pipelineOrderAndFailure() throws {
        let connection = try cluster.connect("coordinator (pipeline)")
        defer { connection.close() }
        let before = connection.statistics.exchanges
        let results = try connection.pipeline([
            PipelinedStatement("SELECT $1::int AS value", [7]), PipelinedStatement("SELECT 8 AS value"),
            PipelinedStatement("SELECT $1::text AS value", ["nine"], prepared: true),
        ])
        #expect(try results[0].single().get("value", as: Int.self) == 7)
        #expect(try results[1].single().get("value", as: Int.self) == 8)
        #expect(try results[2].single().get("value", as: String.self) == "nine")
        #expect(
            connection.statistics.exchanges - before == 2,
            "one exchange to prepare the third statement, one for the whole pipeline")

        try connection.execute("CREATE TEMP TABLE pipelined (id int); CREATE TEMP SEQUENCE after_failure")
        let error = try #require(throws: DatabaseError.self) {
            try connection.pipeline([
                PipelinedStatement("BEGIN"), PipelinedStatement("INSERT INTO pipelined VALUES (1)"),
                PipelinedStatement("SELECT 1 / 0"), PipelinedStatement("SELECT nextval('after_failure')"),
            ])
        }
        #expect(error.sqlState == "22012", "the failing statement's error: \(error)")
        #expect(connection.isInTransaction, "the BEGIN ran, and the transaction failed with the division")
        try connection.execute("ROLLBACK")
        #expect(try connection.query("SELECT count(*) AS n FROM pipelined").single().get("n", as: Int.self) == 0)
        // A sequence is not rolled back: it moved only if the statement after the failure ran.
        #expect(
            try connection.query("SELECT last_value, is_called FROM after_failure").single().get(
                "is_called", as: Bool.self) == false, "the statement after the failure did not run")
        try connection.execute("DROP TABLE pipelined; DROP SEQUENCE after_failure")
    }

    @Test("A statement prepared once runs by name afterwards: one Parse, then one exchange per call")
    func preparedOnce() throws {
        let connection = try cluster.connect("coordinator (prepared)")
        defer { connection.close() }
        let before = connection.statistics.exchanges
        for value in 1...3 {
            #expect(
                try connection.queryPrepared("SELECT $1::int * 2 AS doubled", [value]).single().get(
                    "doubled", as: Int.self) == value * 2)
        }
        #expect(connection.statistics.exchanges - before == 4, "one Parse and three executions")
        let prepared = try connection.query(
            "SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = 'SELECT $1::int * 2 AS doubled'"
        ).single().get("n", as: Int.self)
        #expect(prepared == 1, "the server holds the statement once, under its name")
        // A statement that cannot be prepared leaves nothing behind and fails again the next time.
        for _ in 1...2 {
            #expect(throws: DatabaseError.self) { try connection.queryPrepared("SELECT * FROM no_such_table") }
        }
    }

    @Test("An order whose items the database refuses leaves nothing: its BEGIN came with the order's INSERT")
    func refusedItemsLeaveNoOrder() throws {
        try cluster.withScratchDatabase("refused_items") { scratch in
            try scratch.coordinator.execute(
                """
                INSERT INTO regions VALUES ('us-east', 'US East', 'America/New_York', 'USD');
                INSERT INTO users (id, email, name, region_code, tier, created_at)
                VALUES (1, 'a@example.com', 'A', 'us-east', 'free', now())
                """)
            let connection = try scratch.connect("coordinator (writer)")
            defer { connection.close() }
            // The order itself is valid (quantity 3, amount 1.50); its second item's price is not.
            var order = NewOrder(
                userID: 1, region: "us-east", productID: 1, status: "pending",
                items: [
                    .init(productName: "Product 1", quantity: 2, unitPriceCents: 100),
                    .init(productName: "Product 2", quantity: 1, unitPriceCents: -50),
                ])
            order.token = "refused-1"
            let error = try #require(throws: DatabaseError.self) {
                try connection.insert(order, at: Int(Date().timeIntervalSince1970))
            }
            #expect(error.sqlState == "23514", "order_items' CHECK (unit_price >= 0): \(error)")
            #expect(!connection.isInTransaction, "rolled back")
            #expect(
                try scratch.coordinator.value(
                    "SELECT count(*) FROM orders WHERE metadata ->> 'token' = 'refused-1'", as: Int.self) == 0,
                "the order's INSERT was in the refused transaction")
        }
    }
}
