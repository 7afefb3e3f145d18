import StreamRecCore

/// The demo's small shop: users who each prefer one category and browse,
/// put in the cart and buy mostly from it. Deterministic, so every demo tells
/// the same story; three records are malformed on purpose (dead-letter topic).
enum DemoSample {
    static let categories = ["books", "games", "garden", "kitchen", "music", "sports"]

    /// `count` event templates (timestamps are set when sent) and the malformed records.
    static func make(count: Int, users: Int = 40, itemsPerCategory: Int = 10) -> (events: [Event], malformed: [[UInt8]])
    {
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let types = ["view", "view", "view", "view", "click", "click", "add_to_cart", "purchase"]
        var events: [Event] = []
        events.reserveCapacity(count)
        for _ in 0..<count {
            let user = next(users)
            // Four times in five the user's own category, else any.
            let category = next(5) < 4 ? user % categories.count : next(categories.count)
            // Low numbers are the popular items of a category.
            let rank = next(itemsPerCategory) * next(itemsPerCategory) / itemsPerCategory
            let name = categories[category]
            events.append(
                Event(
                    userID: "user-\(user)", itemID: "\(name)-\(rank)", type: types[next(types.count)],
                    timestampMilliseconds: 0,
                    item: ["category": .string(name), "price": .number(Double(5 + 7 * rank + 3 * category))]))
        }
        let malformed = [
            Array(#"{"user_id":"user-1","type":"view","timestamp":1764400000000}"#.utf8),
            Array(#"{"user_id":"user-2","item_id":"books-1","type":"teleport","timestamp":1764400000000}"#.utf8),
            Array("not json".utf8),
        ]
        return (events, malformed)
    }
}
