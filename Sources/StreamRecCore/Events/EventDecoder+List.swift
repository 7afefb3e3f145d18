extension EventDecoder {
    /// The events of a request body: one event object, or a JSON array of them.
    /// Each element gets the checks of a record of the events topic, and its own
    /// outcome; a body that is neither throws.
    package func decodeList(_ bytes: [UInt8]) throws(EventDecodingError) -> [Result<Event, EventDecodingError>] {
        try bytes.withUnsafeBytes { raw in Result { () throws(EventDecodingError) in try decodeList(raw) } }.get()
    }

    private func decodeList(
        _ raw: UnsafeRawBufferPointer
    ) throws(EventDecodingError) -> [Result<Event, EventDecodingError>] {
        guard !raw.isEmpty else { throw EventDecodingError(.emptyPayload, "the body is empty") }
        if let offset = UTF8Validation.firstInvalidOffset(raw) {
            throw EventDecodingError(.invalidUTF8, "invalid UTF-8 at byte \(offset)")
        }
        switch try JSONParser.parse(raw, maxDepth: 33) {
        case .object: return [Result { () throws(EventDecodingError) in try decodeFully(raw) }]
        case .array(let elements):
            return elements.map { element in
                Result { () throws(EventDecodingError) in
                    guard case .object(let members) = element else {
                        throw EventDecodingError(.wrongType, "an event must be a JSON object, got \(element.kind)")
                    }
                    if let repeated = Self.firstRepeatedKey(members) {
                        throw EventDecodingError(.malformedJSON, field: repeated, "given more than once")
                    }
                    return try event(from: Fields(members: members))
                }
            }
        case let other:
            throw EventDecodingError(.wrongType, "expected an event object or an array of them, got \(other.kind)")
        }
    }
}
