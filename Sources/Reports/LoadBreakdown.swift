/// Where one side's writer transaction spends its time, in one mix of the load comparison: the
/// rate, the round trips each transaction makes, the mean latency, the client's CPU per
/// transaction and, for the load generator (which times each exchange), how a connection's time
/// splits between waiting on the server (sending to last reply) and the client between calls.
public struct LoadBreakdown: Codable, Sendable, Equatable {
    public var mix: String
    public var tool: String
    public var clients: Int
    public var protocolDescription: String
    public var transactionsPerSecond: Double
    public var roundTripsPerTransaction: Double
    public var latencyMilliseconds: Double
    public var clientCPUMillisecondsPerTransaction: Double
    /// nil for pgbench: its per-statement figures charge a result's reading to the next command.
    public var waitingMillisecondsPerTransaction: Double?
    public var betweenCallsMillisecondsPerTransaction: Double?
    /// Runs averaged into these figures.
    public var runs = 1

    public init(
        mix: String, tool: String, clients: Int, protocolDescription: String, transactionsPerSecond: Double,
        roundTripsPerTransaction: Double, latencyMilliseconds: Double, clientCPUMillisecondsPerTransaction: Double,
        waitingMillisecondsPerTransaction: Double? = nil, betweenCallsMillisecondsPerTransaction: Double? = nil
    ) {
        self.mix = mix
        self.tool = tool
        self.clients = clients
        self.protocolDescription = protocolDescription
        self.transactionsPerSecond = transactionsPerSecond
        self.roundTripsPerTransaction = roundTripsPerTransaction
        self.latencyMilliseconds = latencyMilliseconds
        self.clientCPUMillisecondsPerTransaction = clientCPUMillisecondsPerTransaction
        self.waitingMillisecondsPerTransaction = waitingMillisecondsPerTransaction
        self.betweenCallsMillisecondsPerTransaction = betweenCallsMillisecondsPerTransaction
    }

    /// The mean of runs of one side in one mix (runs of equal length), each figure averaged.
    static func mean(of runs: [LoadBreakdown]) -> LoadBreakdown {
        precondition(!runs.isEmpty, "at least one run")
        func average(_ value: (LoadBreakdown) -> Double) -> Double { runs.map(value).reduce(0, +) / Double(runs.count) }
        func averageIfAll(_ value: (LoadBreakdown) -> Double?) -> Double? {
            let values = runs.compactMap(value)
            return values.count == runs.count ? values.reduce(0, +) / Double(values.count) : nil
        }
        var mean = runs[0]
        mean.runs = runs.count
        mean.transactionsPerSecond = average(\.transactionsPerSecond)
        mean.roundTripsPerTransaction = average(\.roundTripsPerTransaction)
        mean.latencyMilliseconds = average(\.latencyMilliseconds)
        mean.clientCPUMillisecondsPerTransaction = average(\.clientCPUMillisecondsPerTransaction)
        mean.waitingMillisecondsPerTransaction = averageIfAll(\.waitingMillisecondsPerTransaction)
        mean.betweenCallsMillisecondsPerTransaction = averageIfAll(\.betweenCallsMillisecondsPerTransaction)
        return mean
    }

    /// The report's table: one row per mix and side.
    static func markdownTable(_ rows: [LoadBreakdown]) -> [String] {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "-" }
        return [
            """
            | mix | tool | runs | clients | protocol | tx/s | round trips per tx | latency ms | client CPU ms per tx | \
            waiting on the server ms per tx | client between calls ms per tx |
            """,
            "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
            + rows.map {
                String(
                    format: "| %@ | %@ | %d | %d | %@ | %.0f | %.2f | %@ | %@ | %@ | %@ |", $0.mix, $0.tool, $0.runs,
                    $0.clients,
                    $0.protocolDescription, $0.transactionsPerSecond, $0.roundTripsPerTransaction,
                    ms($0.latencyMilliseconds), ms($0.clientCPUMillisecondsPerTransaction),
                    ms($0.waitingMillisecondsPerTransaction), ms($0.betweenCallsMillisecondsPerTransaction))
            }
    }
}
