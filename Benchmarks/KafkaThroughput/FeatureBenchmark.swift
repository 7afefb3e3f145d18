import ArgumentParser
import Foundation
import StreamRecCore

/// Feature-update throughput on one core and memory per user and per item.
struct FeatureBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Feature-store updates/s (single core) and bytes per user and item.")

    @Option var users = 100_000
    @Option var items = 10_000
    @Option var events = 2_000_000
    @Option var window = 5
    @Option var neighbours = 50
    @Option(help: "off, on or both") var cooccurrence = "both"

    func run() throws {
        let stream = Self.events(count: events, users: users, items: items)
        for cooccurrence in [false, true] where self.cooccurrence == "both" || self.cooccurrence == (cooccurrence ? "on" : "off") {
            var settings = FeatureSettings()
            settings.cooccurrence = cooccurrence
            settings.cooccurrenceWindow = window
            settings.neighbours = neighbours
            settings.neighbourCapacity = neighbours * 2
            let rssBefore = Self.residentBytes()
            var store = FeatureStore(schema: EventSchema(), settings: settings)
            let start = DispatchTime.now().uptimeNanoseconds
            for index in stream.indices { store.apply(stream[index]) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let rss = Self.residentBytes() - rssBefore
            let layout = Self.layoutBytes(settings: settings, types: store.types.count)
            print(String(format: "features cooccurrence=%@ window=%d top_k=%d events=%d users=%d items=%d updates/s=%.0f"
                         + " rss_delta_MB=%.1f layout_bytes_per_user=%d layout_bytes_per_item=%d rss_bytes_per_entity=%.0f",
                         cooccurrence ? "on" : "off", window, neighbours, events, store.userCount, store.itemCount,
                         Double(events) / seconds, Double(rss) / 1e6, layout.user, layout.item,
                         Double(rss) / Double(store.userCount + store.itemCount)))
            withExtendedLifetime(store) {}
        }
    }

    /// Events over `users` uniform users and `items` Zipf-like items, in time order,
    /// generated before the clock starts.
    static func events(count: Int, users: Int, items: Int) -> [Event] {
        var state: UInt64 = 42
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        let types = ["view", "view", "view", "view", "click", "click", "add_to_cart", "purchase"]
        let userIDs = (0..<users).map { "u\($0)" }
        let itemIDs = (0..<items).map { "i\($0)" }
        return (0..<count).map { index in
            // Squaring a uniform draw skews toward low indices: a popular head, a long tail.
            let uniform = Double(next() % 1_000_000) / 1_000_000
            let item = Int(uniform * uniform * Double(items))
            var event = Event(userID: userIDs[Int(next() % UInt64(users))], itemID: itemIDs[item],
                              type: types[Int(next() % UInt64(types.count))], timestampMilliseconds: 1_700_000_000_000 + Int64(index) * 50)
            event.item["category"] = .string("c\(item % 50)")
            return event
        }
    }

    /// Bytes of the flat per-entity arrays for one user and one item, from the layout.
    static func layoutBytes(settings: FeatureSettings, types: Int) -> (user: Int, item: Int) {
        let user = types * 4 + 8 + 8 + 8 + 24 * 4 + 7 * 4 + settings.recentItems * (4 + 8) + 2
            + settings.categoriesPerUser * (4 + 8) + 2 + 8 + 4 + 4
        let neighbours = settings.cooccurrence ? settings.neighbourCapacity * (4 + 8 + 8) + 2 : 2
        let item = types * 4 + 8 * 3 + 4 + 8 + 4 + settings.numericAttributes.count * 8 + neighbours
        return (user, item)
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
