/// Turns record bytes into an ``Event``, or says precisely why they are not one.
///
/// Checks, in order: a value is present, its size, UTF-8, JSON syntax, then each
/// field. Fields not in Event v1 are ignored, so producers can add their own;
/// a field given twice is an error, since which one counts would be a guess.
public struct EventDecoder: Sendable {
    public let schema: EventSchema

    public init(schema: EventSchema = EventSchema()) {
        self.schema = schema
    }

    public func decode(_ bytes: ArraySlice<UInt8>?) throws(EventDecodingError) -> Event {
        guard let bytes else { throw EventDecodingError(.emptyPayload, "record has no value (a tombstone)") }
        let result: Result<Event, EventDecodingError> = bytes.withUnsafeBytes { raw in
            Result { () throws(EventDecodingError) in try decode(raw) }
        }
        return try result.get()
    }

    public func decode(_ bytes: [UInt8]) throws(EventDecodingError) -> Event {
        try decode(bytes[...])
    }

    public func decode(_ text: String) throws(EventDecodingError) -> Event {
        try decode(Array(text.utf8))
    }

    public func decode(_ raw: UnsafeRawBufferPointer) throws(EventDecodingError) -> Event {
        // Most records are of one simple shape: read those in one pass. Everything
        // else, and anything that fails a check, goes the full way.
        if !raw.isEmpty, raw.count <= schema.maxPayloadBytes, let event = FlatEventScanner.event(raw),
            (try? schema.validate(event)) != nil
        {
            return event
        }
        return try decodeFully(raw)
    }

    /// ``decode(_:)-(UnsafeRawBufferPointer)`` through the JSON tree, with every check and its reason.
    func decodeFully(_ raw: UnsafeRawBufferPointer) throws(EventDecodingError) -> Event {
        guard !raw.isEmpty else { throw EventDecodingError(.emptyPayload, "record value is empty") }
        guard raw.count <= schema.maxPayloadBytes else {
            throw EventDecodingError(
                .payloadTooLarge,
                "\(raw.count) bytes exceed the limit of \(schema.maxPayloadBytes) (events.max_payload_bytes)")
        }
        if let offset = UTF8Validation.firstInvalidOffset(raw) {
            throw EventDecodingError(.invalidUTF8, "invalid UTF-8 at byte \(offset)")
        }
        guard case .object(let members) = try JSONParser.parse(raw) else {
            throw EventDecodingError(.wrongType, "an event must be a JSON object")
        }
        if let repeated = Self.firstRepeatedKey(members) {
            throw EventDecodingError(.malformedJSON, field: repeated, "given more than once")
        }
        return try event(from: Fields(members: members))
    }

    /// An event's members, looked up by a scan: for the handful an event has,
    /// comparing a few short keys is cheaper than hashing each into a dictionary.
    struct Fields {
        let members: [(key: String, value: JSONValue)]

        subscript(name: String) -> JSONValue? {
            for member in members where member.key == name { return member.value }
            return nil
        }
    }

    /// The first key that appears twice, if any: pairwise for a few members, hashed beyond.
    static func firstRepeatedKey(_ members: [(key: String, value: JSONValue)]) -> String? {
        if members.count <= 16 {
            for later in members.indices.dropFirst() {
                for earlier in 0..<later where members[earlier].key == members[later].key { return members[later].key }
            }
            return nil
        }
        var seen = Set<String>(minimumCapacity: members.count)
        for member in members where !seen.insert(member.key).inserted { return member.key }
        return nil
    }

    func event(from fields: Fields) throws(EventDecodingError) -> Event {
        var eventID: String?
        if let raw = fields["event_id"], raw != .null {
            eventID = try string("event_id", fields)
        }
        let event = Event(
            userID: try string("user_id", fields), itemID: try string("item_id", fields),
            type: try string("type", fields),
            timestampMilliseconds: try timestamp(fields), value: try value(fields), eventID: eventID,
            item: try attributes("item", fields), context: try attributes("context", fields)
        )
        try schema.validate(event)
        return event
    }

    private func required(_ name: String, _ fields: Fields) throws(EventDecodingError) -> JSONValue {
        guard let value = fields[name], value != .null else {
            throw EventDecodingError(.missingField, field: name, "required")
        }
        return value
    }

    private func string(_ name: String, _ fields: Fields) throws(EventDecodingError) -> String {
        let value = try required(name, fields)
        guard case .string(let text) = value else {
            throw EventDecodingError(.wrongType, field: name, "must be a string, got \(value.kind)")
        }
        return text
    }

    private func timestamp(_ fields: Fields) throws(EventDecodingError) -> Int64 {
        switch try required("timestamp", fields) {
        case .number(let text):
            guard let integer = Int64(text) else {
                throw EventDecodingError(
                    .invalidTimestamp, field: "timestamp", "must be whole epoch milliseconds, got \(text)")
            }
            return integer
        case .string(let text):
            guard let parsed = RFC3339.milliseconds(text) else {
                throw EventDecodingError(
                    .invalidTimestamp, field: "timestamp",
                    "'\(text)' is not an RFC 3339 time (e.g. 2024-05-01T12:00:00Z)")
            }
            return parsed
        case let other:
            throw EventDecodingError(
                .wrongType, field: "timestamp", "must be epoch milliseconds or an RFC 3339 string, got \(other.kind)")
        }
    }

    private func value(_ fields: Fields) throws(EventDecodingError) -> Double? {
        guard let raw = fields["value"], raw != .null else { return nil }
        guard case .number(let text) = raw, let number = Double(text), number.isFinite else {
            throw EventDecodingError(.wrongType, field: "value", "must be a finite number, got \(raw.kind)")
        }
        return number
    }

    private func attributes(_ name: String, _ fields: Fields) throws(EventDecodingError) -> [String: EventAttribute] {
        guard let raw = fields[name], raw != .null else { return [:] }
        guard case .object(let members) = raw else {
            throw EventDecodingError(.wrongType, field: name, "must be an object, got \(raw.kind)")
        }
        var result: [String: EventAttribute] = [:]
        for (key, value) in members {
            let attribute: EventAttribute
            switch value {
            case .string(let text): attribute = .string(text)
            case .bool(let flag): attribute = .bool(flag)
            case .number(let text):
                guard let number = Double(text), number.isFinite else {
                    throw EventDecodingError(.wrongType, field: "\(name).\(key)", "number \(text) is out of range")
                }
                attribute = .number(number)
            case .null: continue
            case let other:
                throw EventDecodingError(
                    .wrongType, field: "\(name).\(key)", "must be a string, number or boolean, got \(other.kind)")
            }
            guard result.updateValue(attribute, forKey: key) == nil else {
                throw EventDecodingError(.malformedJSON, field: "\(name).\(key)", "given more than once")
            }
        }
        return result
    }
}
