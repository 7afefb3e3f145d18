/// Writes an ``Event`` as Event v1 JSON: fixed field order, attributes sorted by
/// name, times as epoch milliseconds, so equal events encode to equal bytes.
public struct EventEncoder: Sendable {
    public init() {}

    public func encode(_ event: Event) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(event, into: &bytes)
        return bytes
    }

    /// Appends the JSON to `bytes`; reusing one buffer avoids an allocation per event.
    public func encode(_ event: Event, into bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + 128)
        bytes += Self.userKey
        JSONWriter.appendString(event.userID, to: &bytes)
        bytes += Self.itemKey
        JSONWriter.appendString(event.itemID, to: &bytes)
        bytes += Self.typeKey
        JSONWriter.appendString(event.type, to: &bytes)
        bytes += Self.timestampKey
        JSONWriter.appendInteger(event.timestampMilliseconds, to: &bytes)
        if let value = event.value {
            bytes += Self.valueKey
            JSONWriter.appendNumber(value, to: &bytes)
        }
        if let eventID = event.eventID {
            bytes += Self.eventIDKey
            JSONWriter.appendString(eventID, to: &bytes)
        }
        if !event.item.isEmpty {
            bytes += Self.itemAttributesKey
            Self.appendAttributes(event.item, to: &bytes)
        }
        if !event.context.isEmpty {
            bytes += Self.contextKey
            Self.appendAttributes(event.context, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private static func appendAttributes(_ attributes: [String: EventAttribute], to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "{"))
        for (index, key) in attributes.keys.sorted().enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONWriter.appendString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            switch attributes[key]! {
            case .string(let text): JSONWriter.appendString(text, to: &bytes)
            case .number(let number): JSONWriter.appendNumber(number, to: &bytes)
            case .bool(let flag): bytes += Array((flag ? "true" : "false").utf8)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private static let userKey = Array(#"{"user_id":"#.utf8)
    private static let itemKey = Array(#","item_id":"#.utf8)
    private static let typeKey = Array(#","type":"#.utf8)
    private static let timestampKey = Array(#","timestamp":"#.utf8)
    private static let valueKey = Array(#","value":"#.utf8)
    private static let eventIDKey = Array(#","event_id":"#.utf8)
    private static let itemAttributesKey = Array(#","item":"#.utf8)
    private static let contextKey = Array(#","context":"#.utf8)
}
