import Dispatch
import Foundation

/// Runs `action` on Ctrl-C (SIGINT) instead of letting the signal kill the process, so a long
/// command can stop cleanly and still print its summary. A second Ctrl-C exits at once.
final class InterruptHandler: @unchecked Sendable {
    private let source: DispatchSourceSignal
    private let queue = DispatchQueue(label: "citus-verify.interrupt")
    private var interrupted = false

    init(_ action: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: queue)
        source.setEventHandler { [unowned self] in
            if interrupted { exit(130) }
            interrupted = true
            FileHandle.standardError.write("interrupted: finishing the transactions in flight (Ctrl-C again to quit at once)\n".data(using: .utf8)!)
            action()
        }
        source.resume()
    }

    func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
