import Foundation
import StreamRecCore
import Testing

@Suite("Event decoding: every rejection names its reason and field")
struct EventDecoderTests {
    let decoder = EventDecoder()
    static let valid = #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000}"#

    @Test("A minimal event decodes")
    func minimal() throws {
        let event = try decoder.decode(Self.valid)
        #expect(event == Event(userID: "u1", itemID: "i1", type: "view", timestampMilliseconds: 1_700_000_000_000))
    }

    @Test("RFC 3339 timestamps, attributes, context and unknown fields")
    func fullEvent() throws {
        let event = try decoder.decode(
            """
            {"user_id":"u\\u00e9","item_id":"sku-1","type":"rating","value":4.5,"timestamp":"2024-05-01T12:00:00.250+02:00",
             "event_id":"e-9","item":{"category":"shoes","price":59.9,"new":true,"gone":null},"context":{"device":"ios"},
             "extra":{"ignored":[1,2,3]}}
            """)
        #expect(event.userID == "ué")
        #expect(event.timestampMilliseconds == 1_714_557_600_250)
        #expect(event.value == 4.5)
        #expect(event.eventID == "e-9")
        #expect(event.item == ["category": .string("shoes"), "price": .number(59.9), "new": .bool(true)])
        #expect(event.context == ["device": .string("ios")])
    }

    static let rejections: [(String, EventDecodingError.Reason, String?)] = [
        ("", .emptyPayload, nil),
        (#"{"item_id":"i1","type":"view","timestamp":1700000000000}"#, .missingField, "user_id"),
        (#"{"user_id":"u1","type":"view","timestamp":1700000000000}"#, .missingField, "item_id"),
        (#"{"user_id":"u1","item_id":"i1","timestamp":1700000000000}"#, .missingField, "type"),
        (#"{"user_id":"u1","item_id":"i1","type":"view"}"#, .missingField, "timestamp"),
        (#"{"user_id":null,"item_id":"i1","type":"view","timestamp":1700000000000}"#, .missingField, "user_id"),
        (#"{"user_id":"u1","item_id":"i1","type":"rating","timestamp":1700000000000}"#, .missingField, "value"),
        (#"{"user_id":42,"item_id":"i1","type":"view","timestamp":1700000000000}"#, .wrongType, "user_id"),
        (#"{"user_id":"u1","item_id":["i1"],"type":"view","timestamp":1700000000000}"#, .wrongType, "item_id"),
        (#"{"user_id":"u1","item_id":"i1","type":"view","timestamp":true}"#, .wrongType, "timestamp"),
        (#"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"value":"5"}"#, .wrongType, "value"),
        (
            #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"item":"shoes"}"#, .wrongType,
            "item"
        ),
        (
            #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"item":{"tags":["a"]}}"#,
            .wrongType, "item.tags"
        ),
        (#"[1,2]"#, .wrongType, nil),
        (#"{"user_id":"","item_id":"i1","type":"view","timestamp":1700000000000}"#, .emptyID, "user_id"),
        (
            #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"event_id":""}"#, .emptyID,
            "event_id"
        ),
        (
            #"{"user_id":"u1","item_id":"\#(String(repeating: "x", count: 257))","type":"view","timestamp":1700000000000}"#,
            .idTooLong, "item_id"
        ),
        (#"{"user_id":"u1","item_id":"i1","type":"like","timestamp":1700000000000}"#, .unknownEventType, "type"),
        (#"{"user_id":"u1","item_id":"i1","type":"view","timestamp":"yesterday"}"#, .invalidTimestamp, "timestamp"),
        (#"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000.5}"#, .invalidTimestamp, "timestamp"),
        (#"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000}"#, .timestampOutOfRange, "timestamp"),
        (
            #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":"2150-01-01T00:00:00Z"}"#, .timestampOutOfRange,
            "timestamp"
        ),
        (
            #"{"user_id":"u1","item_id":"i1","type":"rating","value":7,"timestamp":1700000000000}"#, .ratingOutOfRange,
            "value"
        ),
        (
            #"{"user_id":"u1","item_id":"i1","type":"rating","value":0,"timestamp":1700000000000}"#, .ratingOutOfRange,
            "value"
        ),
        (
            #"{"user_id":"u1","item_id":"i1","type":"view","value":-1,"timestamp":1700000000000}"#, .invalidValue,
            "value"
        ),
        (#"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000"#, .malformedJSON, nil),
        (#"{"user_id":"u1",,"item_id":"i1"}"#, .malformedJSON, nil),
        (#"{"user_id":'u1'}"#, .malformedJSON, nil),
        (
            #"{"user_id":"u1","user_id":"u2","item_id":"i1","type":"view","timestamp":1700000000000}"#, .malformedJSON,
            "user_id"
        ),
        // Past 16 members the repeat check hashes instead of comparing pairs.
        (
            "{" + (0..<20).map { "\"x\($0)\":1," }.joined()
                + #""x3":2,"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000}"#,
            .malformedJSON, "x3"
        ),
        (#"{"user_id":"u1\x01","item_id":"i1","type":"view","timestamp":1700000000000}"#, .malformedJSON, nil),
        (#"{"user_id":"\ud800","item_id":"i1","type":"view","timestamp":1700000000000}"#, .malformedJSON, nil),
        (#"{"a":1} {"b":2}"#, .malformedJSON, nil),
        (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), .malformedJSON, nil),
        (#"{"user_id":"u1","item_id":"i1","type":"view","timestamp":01700000000000}"#, .malformedJSON, nil),
    ]

    @Test("Each malformed event is rejected with the right reason and field", arguments: rejections)
    func rejection(payload: String, reason: EventDecodingError.Reason, field: String?) throws {
        let error = try #require(throws: EventDecodingError.self) { try decoder.decode(payload) }
        #expect(error.reason == reason, "\(error)")
        #expect(error.field == field, "\(error)")
        #expect(!error.message.isEmpty)
    }

    @Test("Invalid UTF-8 is rejected with the offending byte's position")
    func invalidUTF8() throws {
        var bytes = Array(Self.valid.utf8)
        bytes[12] = 0xFF
        let error = try #require(throws: EventDecodingError.self) { try decoder.decode(bytes) }
        #expect(error.reason == .invalidUTF8)
        #expect(error.message == "invalid UTF-8 at byte 12")
        // Overlong encoding of '/' and an encoded surrogate are invalid too.
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]] {
            let error = try #require(throws: EventDecodingError.self) {
                try decoder.decode(Array("{\"x\":\"".utf8) + bad + Array("\"}".utf8))
            }
            #expect(error.reason == .invalidUTF8)
        }
    }

    @Test("A payload over the size limit is rejected before it is parsed")
    func payloadTooLarge() throws {
        var schema = EventSchema()
        schema.maxPayloadBytes = 100
        let error = try #require(throws: EventDecodingError.self) {
            try EventDecoder(schema: schema).decode(Array(repeating: UInt8(ascii: "{"), count: 101))
        }
        #expect(error.reason == .payloadTooLarge)
        #expect(error.message.contains("101 bytes exceed the limit of 100"))
    }

    @Test("A tombstone (no value) is rejected, not crashed on")
    func tombstone() throws {
        let error = try #require(throws: EventDecodingError.self) { try decoder.decode(nil as ArraySlice<UInt8>?) }
        #expect(error.reason == .emptyPayload)
    }

    @Test("Configured types and limits are what the decoder enforces")
    func configuredSchema() throws {
        var schema = EventSchema()
        schema.weights = ["like": 1]
        schema.maxIDBytes = 3
        let decoder = EventDecoder(schema: schema)
        _ = try decoder.decode(#"{"user_id":"u1","item_id":"abc","type":"like","timestamp":1700000000000}"#)
        let unknown = try #require(throws: EventDecodingError.self) { try decoder.decode(Self.valid) }
        #expect(unknown.reason == .unknownEventType)
        #expect(unknown.message.contains("known: like"))
    }

    @Test("Every reason code is covered by the table above")
    func reasonsCovered() {
        let covered = Set(Self.rejections.map(\.1)).union([.invalidUTF8, .payloadTooLarge])
        #expect(covered == Set(EventDecodingError.Reason.all))
    }
}
