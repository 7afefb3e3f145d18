/// Reads the common shape of an Event v1 record in one pass, without building a
/// JSON tree: an object of the Event v1 fields only, in ASCII, with no escapes,
/// integer timestamps or RFC 3339 strings, plain decimal numbers and flat `item`
/// and `context` objects.
///
/// It never rejects: for anything else (another field, an escape, an exponent, a
/// repeated key, a missing field, a wrong type, a syntax error) it answers nil,
/// and the full decoder decides, with its precise reasons. For what it accepts it
/// gives the event the full decoder gives (tested against it), before the
/// schema's checks, which the caller applies.
struct FlatEventScanner {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The event in `raw`, or nil when it is not of the common shape.
    static func event(_ raw: UnsafeRawBufferPointer) -> Event? {
        var scanner = FlatEventScanner(raw)
        return scanner.scanEvent()
    }

    private enum Field: Int, CaseIterable {
        case userID, itemID, type, timestamp, value, eventID, item, context

        var key: StaticString {
            switch self {
            case .userID: "user_id"
            case .itemID: "item_id"
            case .type: "type"
            case .timestamp: "timestamp"
            case .value: "value"
            case .eventID: "event_id"
            case .item: "item"
            case .context: "context"
            }
        }
    }

    private mutating func scanEvent() -> Event? {
        var userID: String?, itemID: String?, type: String?, timestamp: Int64?
        var value: Double?, eventID: String?
        var item: [String: EventAttribute] = [:], context: [String: EventAttribute] = [:]
        var seen: UInt16 = 0
        skipWhitespace()
        guard take(UInt8(ascii: "{")) else { return nil }
        skipWhitespace()
        if !take(UInt8(ascii: "}")) {
            repeat {
                skipWhitespace()
                guard let field = scanKey(), seen & (1 << field.rawValue) == 0 else { return nil }
                seen |= 1 << field.rawValue
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                switch field {
                case .userID: guard let text = scanString() else { return nil }; userID = text
                case .itemID: guard let text = scanString() else { return nil }; itemID = text
                case .type: guard let text = scanString() else { return nil }; type = text
                case .timestamp: guard let time = scanTimestamp() else { return nil }; timestamp = time
                case .value:
                    if takeLiteral("null") { break }
                    guard let text = scanNumber(), let number = Double(text), number.isFinite else { return nil }
                    value = number
                case .eventID:
                    if takeLiteral("null") { break }
                    guard let text = scanString() else { return nil }
                    eventID = text
                case .item: guard let attributes = scanAttributes() else { return nil }; item = attributes
                case .context: guard let attributes = scanAttributes() else { return nil }; context = attributes
                }
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
        }
        skipWhitespace()
        guard index == bytes.count, let userID, let itemID, let type, let timestamp else { return nil }
        return Event(
            userID: userID, itemID: itemID, type: type, timestampMilliseconds: timestamp, value: value,
            eventID: eventID, item: item, context: context)
    }

    /// A quoted key that names an Event v1 field.
    private mutating func scanKey() -> Field? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") { index += 1 }
        guard index < bytes.count else { return nil }
        let key = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        index += 1
        return Field.allCases.first { field in
            field.key.withUTF8Buffer { $0.count == key.count && $0.elementsEqual(key) }
        }
    }

    /// A string of printable ASCII without escapes.
    private mutating func scanString() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`: JSON numbers without an exponent, as text.
    private mutating func scanNumber(integer: Bool = false) -> String? {
        let start = index
        _ = take(UInt8(ascii: "-"))
        guard index < bytes.count, Self.isDigit(bytes[index]) else { return nil }
        let leadingZero = bytes[index] == UInt8(ascii: "0")
        index += 1
        if !leadingZero {
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if !integer, take(UInt8(ascii: ".")) {
            guard index < bytes.count, Self.isDigit(bytes[index]) else { return nil }
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        // Whatever else would continue the number (an exponent, a fraction where
        // none is taken, a digit after a leading zero) is not a separator, so the
        // caller's next check leaves the record to the full decoder.
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// Whole epoch milliseconds, or an RFC 3339 string.
    private mutating func scanTimestamp() -> Int64? {
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            return scanString().flatMap(RFC3339.milliseconds)
        }
        return scanNumber(integer: true).flatMap { Int64($0) }
    }

    /// A flat object of strings, plain numbers, booleans and nulls (left out, as
    /// the full decoder does, so a key after its null is not a repeat); or null,
    /// which is no attributes.
    private mutating func scanAttributes() -> [String: EventAttribute]? {
        if takeLiteral("null") { return [:] }
        guard take(UInt8(ascii: "{")) else { return nil }
        var result: [String: EventAttribute] = [:]
        skipWhitespace()
        if take(UInt8(ascii: "}")) { return result }
        repeat {
            skipWhitespace()
            guard let key = scanString() else { return nil }
            skipWhitespace()
            guard take(UInt8(ascii: ":")) else { return nil }
            skipWhitespace()
            guard index < bytes.count else { return nil }
            let attribute: EventAttribute
            switch bytes[index] {
            case UInt8(ascii: "\""):
                guard let text = scanString() else { return nil }
                attribute = .string(text)
            case UInt8(ascii: "t"):
                guard takeLiteral("true") else { return nil }
                attribute = .bool(true)
            case UInt8(ascii: "f"):
                guard takeLiteral("false") else { return nil }
                attribute = .bool(false)
            case UInt8(ascii: "n"):
                guard takeLiteral("null") else { return nil }
                skipWhitespace()
                continue
            default:
                guard let text = scanNumber(), let number = Double(text), number.isFinite else { return nil }
                attribute = .number(number)
            }
            guard result.updateValue(attribute, forKey: key) == nil else { return nil }
            skipWhitespace()
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) ? result : nil
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func takeLiteral(_ literal: StaticString) -> Bool {
        let matches = literal.withUTF8Buffer { text in
            index + text.count <= bytes.count
                && text.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + text.count)]))
        }
        if matches { index += literal.utf8CodeUnitCount }
        return matches
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
