import Foundation
import StreamRecCore
import Synchronization

/// Prints the demo's followed users' top 5 whenever it changes, new items
/// starred, beside what the user just did.
final class DemoListPrinter: Sendable {
    private struct Seen {
        var shown: [String: [String]] = [:]
        var lastEvent: [String: Event] = [:]
    }

    private let follow: Set<String>
    private let seen = Mutex(Seen())

    init(follow: Set<String>) {
        self.follow = follow
    }

    /// Remembers what a followed user just did, to print beside their next list.
    func noteSent(_ event: Event) {
        guard follow.contains(event.userID) else { return }
        seen.withLock { $0.lastEvent[event.userID] = event }
    }

    /// Prints a followed user's top 5 if it changed.
    func show(_ update: Recommendation) {
        guard follow.contains(update.userID) else { return }
        seen.withLock { seen in
            let top = update.items.prefix(5).map(\.itemID)
            guard top != seen.shown[update.userID] else { return }
            let previous = Set(seen.shown[update.userID] ?? [])
            seen.shown[update.userID] = top
            let listed = top.map { previous.isEmpty || previous.contains($0) ? $0 : "\($0)*" }.joined(separator: "  ")
            let cause = seen.lastEvent[update.userID].map { "after \($0.type) \($0.itemID)" } ?? ""
            print(
                "\(update.userID.padding(toLength: 8, withPad: " ", startingAt: 0)) \(listed.padding(toLength: 70, withPad: " ", startingAt: 0)) \(cause)"
            )
            fflush(nil)
        }
    }
}
