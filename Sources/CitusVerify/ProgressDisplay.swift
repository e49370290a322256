import ClusterFixtures
import Foundation

/// Live progress of a rebalance, drain or isolation on standard error: one bar redrawn in place
/// when standard error is a terminal, otherwise a plain line each time the figures change (a log
/// file or CI gets no control characters).
final class ProgressDisplay: @unchecked Sendable {
    private let name: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastLine = ""
    private let lock = NSLock()

    init(name: String) { self.name = name }

    func show(_ progress: OperationProgress) {
        guard progress.tasksTotal > 0 else { return }  // between moves, or after the last: nothing to show
        let line = Self.describe(progress)
        lock.withLock {
            guard line != lastLine else { return }
            lastLine = line
            if isTerminal {
                let width = 24
                let filled = progress.tasksTotal > 0 ? width * progress.tasksDone / progress.tasksTotal : 0
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                FileHandle.standardError.write(Data("\r\u{1B}[2K\(name) [\(bar)] \(line)".utf8))
            } else {
                FileHandle.standardError.write(Data("\(name) progress: \(line)\n".utf8))
            }
        }
    }

    /// A line of its own (Citus's progress lines, notices) without breaking the bar.
    func note(_ text: String) {
        lock.withLock {
            let clear = (isTerminal && !lastLine.isEmpty) ? "\r\u{1B}[2K" : ""
            FileHandle.standardError.write(Data((clear + "\(name): \(text)\n").utf8))
            lastLine = ""
        }
    }

    /// Ends the bar's line.
    func finish() {
        lock.withLock { if isTerminal && !lastLine.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) } }
    }

    static func describe(_ p: OperationProgress) -> String {
        var parts = ["\(p.tasksDone) of \(p.tasksTotal) \(p.jobID != nil ? "tasks" : "moves") done"]
        if p.bytesTotal > 0 {
            parts.append("\(ByteCount.text(p.bytesCopied)) of \(ByteCount.text(p.bytesTotal)) copied")
        }
        if let lag = p.lagBytes { parts.append("replication lag \(ByteCount.text(max(0, lag)))") }
        if !p.states.isEmpty { parts.append(p.states.joined(separator: ", ")) }
        if let job = p.jobID { parts.append("job \(job)") }
        return parts.joined(separator: ", ")
    }
}
