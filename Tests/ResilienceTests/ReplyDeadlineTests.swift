import ClusterFixtures
import ClusterTesting
import Foundation
import Testing

/// Never a hang: a reply that does not come ends the call at the connection's client-side deadline
/// (`Connection.replyDeadline`), with what the server showed of the session. Each case is also run
/// under an outer bound, so a broken deadline fails here instead of holding the run.
@Suite(
    "Never a hang: a reply that does not come fails at the client's deadline, naming what the server showed",
    .serialized, .exclusiveCluster)
struct ReplyDeadlineTests {
    let cluster: Cluster
    init() throws { cluster = try Cluster.shared() }

    /// `call` on a thread of its own, waited for at most a minute: far past the 2 s deadlines here.
    private func bounded<T>(_ what: String, _ call: @escaping @Sendable () throws -> T) throws -> T {
        guard let outcome = BlockingWork(what, call).wait(.seconds(60)) else {
            throw HungCall(what: what)
        }
        return try outcome.get()
    }

    struct HungCall: Error, CustomStringConvertible {
        var what: String
        var description: String { "\(what) did not return within 60 s: the client-side deadline did not end it" }
    }

    @Test(
        """
        A statement blocked by a held lock fails at its deadline naming the lock and the session holding it; the \
        connection stays usable
        """
    )
    func heldLock() throws {
        try cluster.withScratchDatabase("reply_deadline", baseTables: false) { scratch in
            try scratch.coordinator.execute("CREATE TABLE held (id int)")
            let holder = try scratch.connect("coordinator (lock holder)")
            defer { holder.close() }
            try holder.execute("BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE")
            let holderPID = try holder.query("SELECT pg_backend_pid() AS pid").single().get("pid", as: Int.self)
            let waiter = try scratch.connect("coordinator (waiter)")
            defer { waiter.close() }
            waiter.replyDeadline = .seconds(2)
            let error = try #require(throws: ReplyDeadlineExceeded.self) {
                try bounded("a read of a locked table") { try waiter.query("SELECT count(*) FROM held") }
            }
            #expect(error.serverShowed.contains("active") && error.serverShowed.contains("Lock:relation"), "\(error)")
            #expect(error.serverShowed.contains("blocked by \(holderPID) (idle in transaction"), "\(error)")
            #expect(error.node.contains("waiter") && error.statement.contains("FROM held"), "\(error)")
            #expect(!error.connectionClosed, "the cancel was answered: \(error)")
            #expect(
                try waiter.query("SELECT 1 AS one").single().get("one", as: Int.self) == 1,
                "the connection is usable after the cancel")
            try holder.execute("ROLLBACK")
        }
    }

    @Test(
        """
        Statements pipelined together and blocked by a held lock fail at their deadline naming the lock, and \
        the connection is closed (what they did is unknown)
        """
    )
    func heldLockInPipeline() throws {
        try cluster.withScratchDatabase("reply_deadline_pipeline", baseTables: false) { scratch in
            try scratch.coordinator.execute("CREATE TABLE held (id int)")
            let holder = try scratch.connect("coordinator (lock holder)")
            defer { holder.close() }
            try holder.execute("BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE")
            let waiter = try scratch.connect("coordinator (pipelined waiter)")
            defer { waiter.close() }
            waiter.replyDeadline = .seconds(2)
            let error = try #require(throws: ReplyDeadlineExceeded.self) {
                try bounded("a pipelined write to a locked table") {
                    try waiter.pipeline([
                        PipelinedStatement("BEGIN"), PipelinedStatement("INSERT INTO held VALUES ($1)", [1]),
                    ])
                }
            }
            #expect(error.serverShowed.contains("Lock:relation"), "\(error)")
            #expect(error.node.contains("pipelined waiter") && error.statement.contains("INSERT INTO held"), "\(error)")
            #expect(error.connectionClosed && !waiter.isOpen, "the outcome is unknown, so the connection is closed")
            try holder.execute("ROLLBACK")
        }
    }

    @Test(
        """
        A reply held by a silent network fails at its deadline, names the node and the statement, and closes the \
        connection
        """
    )
    func silentNetwork() throws {
        let relay = try FaultProxy(to: cluster.configuration.coordinator)
        defer { relay.close() }
        let c = cluster.configuration
        let relayed = try Connection(
            label: "coordinator (through a relay)", address: relay.address, database: c.database,
            user: c.user, password: c.password)
        defer { relayed.close() }
        relayed.replyDeadline = .seconds(2)
        #expect(
            try relayed.query("SELECT 1 AS one").single().get("one", as: Int.self) == 1,
            "the relay passes before it goes silent")
        relay.set(.blackhole)
        let error = try #require(throws: ReplyDeadlineExceeded.self) {
            try bounded("a query through a silent relay") { try relayed.query("SELECT 2 AS two") }
        }
        #expect(error.node.contains("through a relay") && error.statement.contains("SELECT 2"), "\(error)")
        #expect(
            error.connectionClosed && !relayed.isOpen,
            "no reply to the cancel either: the connection is closed: \(error)")
    }
}
