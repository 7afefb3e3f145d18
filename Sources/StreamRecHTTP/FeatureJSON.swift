import Foundation
import StreamRecCore

/// Feature views as JSON-ready dictionaries, with snake_case keys.
package enum FeatureJSON {
    package static func user(_ user: UserFeatures) -> [String: Any] {
        [
            "user_id": user.userID,
            "events": user.events,
            "counts": user.counts,
            "decayed_weight": user.decayedWeight,
            "first_seen": RFC3339.format(user.firstSeen),
            "last_seen": RFC3339.format(user.lastSeen),
            "recent_items": user.recentItems.map { ["item_id": $0.itemID, "time": RFC3339.format($0.time)] },
            "category_affinity": user.categoryAffinity.map { ["category": $0.category, "weight": $0.weight] },
            "hour_histogram": user.hourHistogram,
            "weekday_histogram": user.weekdayHistogram,
            "consumed_items": user.consumedItems,
        ]
    }

    package static func item(_ item: ItemFeatures) -> [String: Any] {
        var result: [String: Any] = [
            "item_id": item.itemID,
            "events": item.events,
            "counts": item.counts,
            "distinct_users": item.distinctUsers,
            "popularity": item.popularity,
            "trend": item.trend,
            "last_seen": RFC3339.format(item.lastSeen),
            "attributes": item.attributes.mapValues { ["value": $0.value, "standardized": $0.standardized] },
        ]
        result["conversion_rate"] = item.conversionRate ?? NSNull()
        result["category"] = item.category ?? NSNull()
        return result
    }

    package static func scored(_ item: ScoredItem) -> [String: Any] {
        ["item_id": item.itemID, "score": item.score, "events": item.events]
    }

    package static func summary(_ store: FeatureStore, invalidLines: Int) -> [String: Any] {
        let statistics = store.statistics
        return [
            "events_applied": statistics.applied,
            "invalid_lines": invalidLines,
            "late_applied": statistics.lateApplied,
            "late_dropped": statistics.lateDropped,
            "users": store.userCount,
            "items": store.itemCount,
            "now": store.now == .min ? NSNull() : RFC3339.format(store.now) as Any,
        ]
    }
}
