import StreamRecCore

/// A small e-commerce stream: `users` users, `items` items with a skewed
/// popularity, all event types, one second apart. Deterministic for a seed.
public func generatedEvents(count: Int, users: Int, items: Int, seed: UInt64 = 7) -> [Event] {
    var state = seed
    func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    let types = ["view", "view", "view", "click", "click", "add_to_cart", "purchase"]
    return (0..<count).map { index in
        let user = Int(next() % UInt64(users))
        // Product of two uniforms: low item numbers are popular.
        let item = Int(next() % UInt64(items)) * Int(next() % 1000) / 1000
        let category = "c\(item % 7)"
        return Event(
            userID: "u\(user)", itemID: "i\(item)", type: types[Int(next() % UInt64(types.count))],
            timestampMilliseconds: 1_750_000_000_000 + Int64(index) * 1000, eventID: "e\(index)",
            item: ["category": .string(category), "price": .number(Double(10 + item % 90))])
    }
}
