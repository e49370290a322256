import Reports
import Testing

/// pgbench's closing report as PostgreSQL 15's pgbench prints it with `-r`, read by label.
@Suite("pgbench's output: the rate, the latency and the round trips each script's transaction makes")
struct PgbenchOutputTests {
    static let weighted = """
        pgbench (15.20 (Debian 15.20-0+deb12u1))
        transaction type: multiple scripts
        scaling factor: 1
        query mode: simple
        number of clients: 4
        number of threads: 2
        maximum number of tries: 1
        duration: 3 s
        number of transactions actually processed: 14636
        number of failed transactions: 0 (0.000%)
        latency average = 0.808 ms
        initial connection time = 50.875 ms
        tps = 4953.441977 (without initial connection time)
        SQL script 1: bench/new_order.pgbench
         - weight: 80 (targets 80.0% of total)
         - 11768 transactions (80.4% of total, tps = 3982.517264)
         - number of failed transactions: 0 (0.000%)
         - latency average = 0.715 ms
         - latency stddev = 1.450 ms
         - statement latencies in milliseconds and failures:
                 0.001           0  \\set uid random(1, :users)
                 0.088           0  BEGIN;
                 0.038           0  INSERT INTO orders (user_id, region, product_id, quantity, amount, status)
                 0.126           0  INSERT INTO order_items (user_id, order_id, product_name, quantity, unit_price)
                 0.142           0  COMMIT;
                 0.319           0  \\set last_uid :uid
                 0.001           0  \\set last_id :id
        SQL script 2: bench/update_order.pgbench
         - weight: 20 (targets 20.0% of total)
         - 2868 transactions (19.6% of total, tps = 970.586294)
         - number of failed transactions: 0 (0.000%)
         - latency average = 0.069 ms
         - latency stddev = 0.514 ms
         - statement latencies in milliseconds and failures:
                 0.069           0  UPDATE orders SET status = 'shipped' WHERE user_id = :last_uid AND id = :last_id;
        """

    static let single = """
        transaction type: bench/new_order.pgbench
        query mode: simple
        number of transactions actually processed: 5000
        latency average = 3.210 ms
        tps = 1245.5 (without initial connection time)
        statement latencies in milliseconds and failures:
                 0.001           0  \\set uid random(1, :users)
                 0.400           0  BEGIN;
                 0.900           0  INSERT INTO orders (user_id) VALUES (:uid) RETURNING id \\gset
                 1.000           0  INSERT INTO order_items (user_id, order_id) VALUES (:uid, :id);
                 0.800           0  COMMIT;
        """

    @Test("Several weighted scripts: each script's transactions times its SQL commands, meta-commands left out")
    func weightedScripts() throws {
        let output = try PgbenchOutput(parsing: Self.weighted)
        #expect(output.transactionsPerSecond == 4953.441977)
        #expect(output.latencyMilliseconds == 0.808)
        #expect(
            output.scripts == [.init(transactions: 11768, sqlCommands: 4), .init(transactions: 2868, sqlCommands: 1)])
        #expect(output.roundTripsPerTransaction == Double(11768 * 4 + 2868) / Double(11768 + 2868))
    }

    @Test("One script: its transactions are the run's")
    func singleScript() throws {
        let output = try PgbenchOutput(parsing: Self.single)
        #expect(output.scripts == [.init(transactions: 5000, sqlCommands: 4)])
        #expect(output.roundTripsPerTransaction == 4)
        #expect(output.transactionsPerSecond == 1245.5)
    }

    @Test("Output without -r's statement latencies fails naming what it lacks")
    func withoutStatements() {
        let text = Self.single.split(separator: "\n").prefix(5).joined(separator: "\n")
        #expect {
            try PgbenchOutput(parsing: text)
        } throws: { "\($0)".contains("statement latencies (run pgbench with -r)") }
        #expect {
            try PgbenchOutput(parsing: "tps = 12 (without initial connection time)")
        } throws: { "\($0)".contains("latency average = ") }
    }
}
