import Foundation

/// Feature views as aligned text for people.
enum FeatureText {
    static func render(_ name: String, _ value: Any) -> String {
        switch value {
        case let list as [[String: Any]] where ["similar", "popular", "trending"].contains(name):
            let rows = list.enumerated().map { index, row in
                String(
                    format: "%3d. %@  score %.6g  events %d", index + 1, "\(row["item_id"]!)", row["score"] as! Double,
                    row["events"] as! Int)
            }
            return "\(name):\n" + (rows.isEmpty ? "  (none)" : rows.joined(separator: "\n"))
        case let object as [String: Any]:
            return "\(name):\n"
                + object.keys.sorted().map { "  \($0): \(describe(object[$0]!))" }.joined(separator: "\n")
        default:
            return "\(name): \(value)"
        }
    }

    private static func describe(_ value: Any) -> String {
        switch value {
        case let number as Double: String(format: "%.6g", number)
        case let list as [Any]: "[" + list.map(describe).joined(separator: ", ") + "]"
        case let object as [String: Any]:
            "{" + object.keys.sorted().map { "\($0): \(describe(object[$0]!))" }.joined(separator: ", ") + "}"
        case is NSNull: "-"
        default: "\(value)"
        }
    }
}
