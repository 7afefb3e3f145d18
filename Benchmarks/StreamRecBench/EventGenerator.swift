import Foundation
import StreamRecCore

/// Events over uniform users and Zipf-like items (a popular head, a long tail),
/// in time order, with a category per item.
struct EventGenerator {
    private var state: UInt64 = 42
    private var index: Int64 = 0
    private let userIDs: [String]
    private let itemIDs: [String]
    private let categories: [String]
    private static let types = ["view", "view", "view", "view", "click", "click", "add_to_cart", "purchase"]

    init(users: Int, items: Int) {
        userIDs = (0..<users).map { "u\($0)" }
        itemIDs = (0..<items).map { "i\($0)" }
        categories = (0..<50).map { "c\($0)" }
    }

    private mutating func next() -> UInt64 {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return state
    }

    mutating func fill(_ batch: inout [Event], count: Int) {
        batch.removeAll(keepingCapacity: true)
        for _ in 0..<count {
            // Squaring a uniform draw skews toward low indices.
            let uniform = Double(next() % 1_000_000) / 1_000_000
            let item = Int(uniform * uniform * Double(itemIDs.count))
            var event = Event(
                userID: userIDs[Int(next() % UInt64(userIDs.count))], itemID: itemIDs[item],
                type: Self.types[Int(next() % UInt64(Self.types.count))],
                timestampMilliseconds: 1_700_000_000_000 + index * 50)
            event.item["category"] = .string(categories[item % categories.count])
            batch.append(event)
            index += 1
        }
    }
}
