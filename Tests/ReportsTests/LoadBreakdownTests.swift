import Testing

@testable import Reports

@Suite("The load breakdown: runs taking turns averaged per figure")
struct LoadBreakdownTests {
    static func run(_ rate: Double, waiting: Double?) -> LoadBreakdown {
        LoadBreakdown(
            mix: "new orders", tool: "citus-verify load", clients: 4, protocolDescription: "extended",
            transactionsPerSecond: rate, roundTripsPerTransaction: 3, latencyMilliseconds: 4000 / rate,
            clientCPUMillisecondsPerTransaction: 0.2, waitingMillisecondsPerTransaction: waiting)
    }

    @Test("Each figure is the mean of the runs, the runs are counted, and a figure one run lacks is left out")
    func mean() {
        let mean = LoadBreakdown.mean(of: [Self.run(1000, waiting: 3), Self.run(1200, waiting: 5)])
        #expect(mean.transactionsPerSecond == 1100)
        let latencies: [Double] = [4, 4000 / 1200]
        #expect(mean.latencyMilliseconds == (latencies[0] + latencies[1]) / 2)
        #expect(mean.waitingMillisecondsPerTransaction == 4)
        #expect(mean.runs == 2)
        #expect(
            LoadBreakdown.mean(of: [Self.run(1000, waiting: 3), Self.run(900, waiting: nil)])
                .waitingMillisecondsPerTransaction == nil)
        let table = LoadBreakdown.markdownTable([mean]).joined(separator: "\n")
        #expect(table.contains("| new orders | citus-verify load | 2 | 4 | extended | 1100 | 3.00 |"), "\(table)")
    }
}
