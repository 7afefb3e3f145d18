import Foundation
import StreamRecCore

/// Prints the demo's followed users' top 5 whenever it changes, new items
/// starred, beside what the user just did.
final class DemoListPrinter: @unchecked Sendable {
    // @unchecked: mutable state is only touched under `lock`.
    private let follow: Set<String>
    private let lock = NSLock()
    private var shown: [String: [String]] = [:]
    private var lastEvent: [String: Event] = [:]

    init(follow: Set<String>) {
        self.follow = follow
    }

    /// Remembers what a followed user just did, to print beside their next list.
    func noteSent(_ event: Event) {
        guard follow.contains(event.userID) else { return }
        lock.withLock { lastEvent[event.userID] = event }
    }

    /// Prints a followed user's top 5 if it changed.
    func show(_ update: Recommendation) {
        guard follow.contains(update.userID) else { return }
        lock.withLock {
            let top = update.items.prefix(5).map(\.itemID)
            guard top != shown[update.userID] else { return }
            let previous = Set(shown[update.userID] ?? [])
            shown[update.userID] = top
            let listed = top.map { previous.isEmpty || previous.contains($0) ? $0 : "\($0)*" }.joined(separator: "  ")
            let cause = lastEvent[update.userID].map { "after \($0.type) \($0.itemID)" } ?? ""
            print("\(update.userID.padding(toLength: 8, withPad: " ", startingAt: 0)) \(listed.padding(toLength: 70, withPad: " ", startingAt: 0)) \(cause)")
            fflush(nil)
        }
    }
}
