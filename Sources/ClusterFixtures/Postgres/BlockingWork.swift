import Foundation

/// Blocking work (libpq calls, a child process) on a thread of its own, with its result waited
/// for. The one way this project runs such work beside the caller: the Swift concurrency pool here
/// is two threads wide, and a blocking call on it stalls unrelated work, so these never go there.
public final class BlockingWork<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)

    /// Starts `body` at once on a new thread named `name`.
    public init(_ name: String, _ body: @escaping @Sendable () throws -> T) {
        // Files the work loads are the starting test's reads (ReadLog).
        let reader = ReadLog.currentReader()
        let thread = Thread { [self] in
            let result = ReadLog.$inheritedReader.withValue(reader) { Result { try body() } }
            lock.withLock { outcome = result }
            done.signal()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Waits at most `timeLimit` (nil: as long as it takes); nil when the work has not ended by then.
    public func wait(_ timeLimit: Duration? = nil) -> Result<T, Error>? {
        if let timeLimit {
            guard done.wait(timeout: .now() + timeLimit.seconds) == .success else { return nil }
        } else {
            done.wait()
        }
        done.signal()  // later waits return at once
        return lock.withLock { outcome }
    }

    /// Waits for the end and returns the value, or rethrows the work's error.
    public func value() throws -> T { try wait()!.get() }
}
