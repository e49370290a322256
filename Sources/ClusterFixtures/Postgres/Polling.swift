import Foundation

/// The one polling loop: ask again every `interval` until `attempt` returns a value, within
/// `timeLimit`. Blocking (plain threads and synchronous libpq calls, see `BlockingWork`).
public enum Polling {
    /// A condition that did not come true in time.
    public struct TimedOut: Error, CustomStringConvertible {
        public var what: String
        public var timeLimit: Duration
        public var lastError: String?
        public var description: String {
            "\(what) did not come true within \(timeLimit)" + (lastError.map { "; last error: \($0)" } ?? "")
        }
    }

    /// `attempt`'s first non-nil value. An error thrown by `attempt` counts as "not yet" (a node
    /// restarting refuses connections for a moment) and is reported if time runs out.
    public static func until<T>(
        timeLimit: Duration, every interval: Duration = .milliseconds(100), what: String,
        _ attempt: () throws -> T?
    ) throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeLimit)
        var lastError: String?
        while true {
            do {
                if let value = try attempt() { return value }
            } catch {
                lastError = "\(error)"
            }
            if clock.now >= deadline { throw TimedOut(what: what, timeLimit: timeLimit, lastError: lastError) }
            Thread.sleep(forTimeInterval: interval.seconds)
        }
    }
}
