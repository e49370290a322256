import Dispatch
import Foundation

/// Runs an action on Ctrl-C (SIGINT) instead of letting the signal kill the process, so a long
/// command can stop cleanly and still print its summary.
final class InterruptHandler: @unchecked Sendable {
    private let source: DispatchSourceSignal
    private let queue = DispatchQueue(label: "citus-verify.interrupt")
    private var count = 0

    /// `action` on the first Ctrl-C; a second one exits at once.
    convenience init(_ action: @escaping @Sendable () -> Void) {
        self.init(eachTime: { count in
            if count > 1 { exit(130) }
            FileHandle.standardError.write(
                "interrupted: finishing the transactions in flight (Ctrl-C again to quit at once)\n".data(using: .utf8)!
            )
            action()
        })
    }

    /// `action` with the number of Ctrl-Cs so far (1, 2, …) each time; the command decides what a
    /// second one means.
    init(eachTime action: @escaping @Sendable (Int) -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: queue)
        source.setEventHandler { [unowned self] in
            count += 1
            action(count)
        }
        source.resume()
    }

    func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
