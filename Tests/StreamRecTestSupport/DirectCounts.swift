import StreamRecCore
import Testing

/// Per-user and per-item counts computed directly from the events.
public struct DirectCounts {
    public var userEvents: [String: Int] = [:]
    public var userCounts: [String: [String: Int]] = [:]
    public var itemEvents: [String: Int] = [:]
    public var itemUsers: [String: Set<String>] = [:]

    public init(_ events: [Event]) {
        for event in events {
            userEvents[event.userID, default: 0] += 1
            userCounts[event.userID, default: [:]][event.type, default: 0] += 1
            itemEvents[event.itemID, default: 0] += 1
            itemUsers[event.itemID, default: []].insert(event.userID)
        }
    }

    /// Records where `store` disagrees with the direct counts.
    public func expectEqual(to store: FeatureStore, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(store.userCount == userEvents.count, sourceLocation: sourceLocation)
        #expect(store.itemCount == itemEvents.count, sourceLocation: sourceLocation)
        var mismatches: [String] = []
        for (user, events) in userEvents {
            let features = store.userFeatures(user)
            if features?.events != events || features?.counts.filter({ $0.value > 0 }) != userCounts[user] {
                mismatches.append(user)
            }
        }
        for (item, events) in itemEvents {
            let features = store.itemFeatures(item)
            if features?.events != events || features?.distinctUsers != itemUsers[item]?.count {
                mismatches.append(item)
            }
        }
        let sample = mismatches.prefix(10).joined(separator: ", ")
        #expect(mismatches.count == 0, "counters differ for \(sample)", sourceLocation: sourceLocation)
    }
}
