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
    @Flag(help: "Apply each event alone instead of in batches (the engine's path, which fetches ahead).")
    var oneByOne = false

    func run() throws {
        for cooccurrence in [false, true]
        where self.cooccurrence == "both" || self.cooccurrence == (cooccurrence ? "on" : "off") {
            var settings = FeatureSettings()
            settings.cooccurrence = cooccurrence
            settings.cooccurrenceWindow = window
            settings.neighbours = neighbours
            settings.neighbourCapacity = neighbours * 2
            let rssBefore = Self.residentBytes()
            var store = FeatureStore(schema: EventSchema(), settings: settings)
            var generator = EventGenerator(users: users, items: items)
            // Batches of 10,000, as the engine applies a decoded batch: the events are
            // in cache when applied, and only the applying is timed.
            var nanoseconds: UInt64 = 0
            var batch: [Event] = []
            for _ in 0..<(events / 10_000) {
                generator.fill(&batch, count: 10_000)
                let start = MonotonicClock.nanoseconds()
                if oneByOne {
                    for event in batch { store.apply(event) }
                } else {
                    store.apply(contentsOf: batch)
                }
                nanoseconds += MonotonicClock.nanoseconds() - start
            }
            let seconds = Double(nanoseconds) / 1e9
            let rss = Self.residentBytes() - rssBefore
            let layout = (
                user: FeatureStore.layoutBytesPerUser(settings: settings, types: store.types.count),
                item: FeatureStore.layoutBytesPerItem(settings: settings, types: store.types.count)
            )
            print(
                String(
                    format: "features cooccurrence=%@ window=%d top_k=%d events=%d users=%d items=%d updates/s=%.0f"
                        + " rss_delta_MB=%.1f layout_bytes_per_user=%d layout_bytes_per_item=%d rss_bytes_per_entity=%.0f",
                    cooccurrence ? "on" : "off", window, neighbours, events, store.userCount, store.itemCount,
                    Double(events) / seconds, Double(rss) / 1e6, layout.user, layout.item,
                    Double(rss) / Double(store.userCount + store.itemCount)))
            withExtendedLifetime(store) {}
        }
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
