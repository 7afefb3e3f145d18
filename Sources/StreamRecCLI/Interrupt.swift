import Dispatch
import Foundation
import Synchronization

/// Waiting for Ctrl-C (or SIGTERM) without dying of it.
enum Interrupt {
    /// Returns at the first SIGINT or SIGTERM.
    static func wait() async {
        let signals = [SIGINT, SIGTERM]
        for signal in signals { Foundation.signal(signal, SIG_IGN) }
        let sources = signals.map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            for source in sources {
                source.setEventHandler { if once.claim() { continuation.resume() } }
                source.resume()
            }
        }
        for source in sources { source.cancel() }
    }
}

/// True for the first caller only.
private final class OnceFlag: Sendable {
    private let claimed = Mutex(false)

    func claim() -> Bool {
        claimed.withLock { claimed in
            defer { claimed = true }
            return !claimed
        }
    }
}
