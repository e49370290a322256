import Foundation

/// What `pgbench -r` printed at the end of a run: transactions per second, the mean latency, and
/// for each script the transactions it ran and the SQL commands it sends per transaction (one
/// round trip each in pgbench's simple protocol; `\set`, `\if` and the like stay in the client).
/// Read by name (the labels pgbench prints), never by line position.
public struct PgbenchOutput: Sendable, Equatable {
    public struct Script: Sendable, Equatable {
        public var transactions: Int
        public var sqlCommands: Int
        public init(transactions: Int, sqlCommands: Int) {
            self.transactions = transactions
            self.sqlCommands = sqlCommands
        }
    }

    public var transactionsPerSecond: Double
    public var latencyMilliseconds: Double
    public var scripts: [Script]

    /// SQL commands sent per transaction, over every script's transactions.
    public var roundTripsPerTransaction: Double {
        let transactions = scripts.reduce(0) { $0 + $1.transactions }
        let commands = scripts.reduce(0) { $0 + $1.transactions * $1.sqlCommands }
        return transactions > 0 ? Double(commands) / Double(transactions) : 0
    }

    /// Fails naming the line it needed and did not find.
    public init(parsing text: String) throws {
        let lines = text.split(separator: "\n").map(String.init)
        func number(after label: String) throws -> Double {
            guard let line = lines.first(where: { $0.hasPrefix(label) }),
                let value = Double(line.dropFirst(label.count).prefix { !$0.isWhitespace })
            else { throw PgbenchOutputError(missing: label, output: text) }
            return value
        }
        transactionsPerSecond = try number(after: "tps = ")
        latencyMilliseconds = try number(after: "latency average = ")
        // One script: its commands follow the run's totals. Several: each under "SQL script N:",
        // with its own " - N transactions" line.
        var scripts: [Script] = []
        var inStatements = false
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("SQL script ") {
                scripts.append(Script(transactions: 0, sqlCommands: 0))
                inStatements = false
            } else if trimmed.hasPrefix("- "), trimmed.contains(" transactions ("), !scripts.isEmpty,
                let count = Int(trimmed.dropFirst(2).prefix { $0.isNumber })
            {
                scripts[scripts.count - 1].transactions = count
            } else if trimmed.hasPrefix("statement latencies in milliseconds")
                || trimmed.hasPrefix("- statement latencies in milliseconds")
            {
                if scripts.isEmpty { scripts.append(Script(transactions: 0, sqlCommands: 0)) }
                inStatements = true
            } else if inStatements {
                // "   0.088   0  BEGIN;": latency, failures (pgbench 15 and later), command.
                let fields = trimmed.split(whereSeparator: \.isWhitespace)
                guard fields.count >= 2, Double(fields[0]) != nil else {
                    inStatements = false
                    continue
                }
                let command = fields.dropFirst().drop { Int($0) != nil }.first ?? ""
                if !command.hasPrefix("\\") { scripts[scripts.count - 1].sqlCommands += 1 }
            }
        }
        if scripts.count == 1, scripts[0].transactions == 0 {
            scripts[0].transactions = Int(try number(after: "number of transactions actually processed: "))
        }
        guard !scripts.isEmpty, scripts.allSatisfy({ $0.sqlCommands > 0 }) else {
            throw PgbenchOutputError(missing: "statement latencies (run pgbench with -r)", output: text)
        }
        self.scripts = scripts
    }
}
