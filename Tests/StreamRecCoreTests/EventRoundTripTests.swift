import Foundation
import StreamRecCore
import Testing

@Suite("Event encoding round trip")
struct EventRoundTripTests {
    /// A seeded generator, so a failure reproduces.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func string(maxLength: Int) -> String {
            // Quotes, backslashes, control characters, accents, CJK and emoji: everything JSON must escape or carry.
            let alphabet: [Character] = [
                "a", "Z", "0", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "漢", "😀", " ", "-", "_",
            ]
            return String((0..<(1 + below(maxLength))).map { _ in alphabet[below(alphabet.count)] })
        }
        mutating func attribute() -> EventAttribute {
            switch below(3) {
            case 0: .string(string(maxLength: 8))
            case 1: .number(Double(below(1_000_000)) / Double([1, 10, 100, 3][below(4)]))
            default: .bool(below(2) == 0)
            }
        }
    }

    @Test("Random valid events encode and decode unchanged", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func roundTrip(seed: UInt64) throws {
        var random = Random(state: seed)
        let schema = EventSchema()
        let decoder = EventDecoder(schema: schema)
        let encoder = EventEncoder()
        let types = schema.knownTypes
        for _ in 0..<500 {
            let type = types[random.below(types.count)]
            var event = Event(
                userID: random.string(maxLength: 20), itemID: random.string(maxLength: 20), type: type,
                timestampMilliseconds: schema.timestampRange.lowerBound + Int64(random.below(3_000_000_000)) * 1000
                    + Int64(random.below(1000)))
            if type == schema.ratingType {
                event.value = [0.5, 1, 2.5, 3, 4.5, 5][random.below(6)]
            } else if random.below(2) == 0 {
                event.value = Double(random.below(100)) / 7
            }
            if random.below(2) == 0 { event.eventID = random.string(maxLength: 12) }
            for _ in 0..<random.below(3) { event.item[random.string(maxLength: 6)] = random.attribute() }
            for _ in 0..<random.below(3) { event.context[random.string(maxLength: 6)] = random.attribute() }
            let bytes = encoder.encode(event)
            let decoded = try decoder.decode(bytes)
            #expect(decoded == event, "\(String(decoding: bytes, as: UTF8.self))")
            #expect(encoder.encode(decoded) == bytes, "encoding is deterministic")
        }
    }

    @Test("Encoded events are valid JSON for Foundation's parser too")
    func foundationReadsOurJSON() throws {
        let event = Event(
            userID: "u\"1\\", itemID: "i\n1", type: "purchase", timestampMilliseconds: 1_700_000_000_000, value: 2.5,
            item: ["price": .number(19.99), "category": .string("tea & co")])
        let object = try JSONSerialization.jsonObject(with: Data(EventEncoder().encode(event))) as? [String: Any]
        #expect(object?["user_id"] as? String == "u\"1\\")
        #expect(object?["item_id"] as? String == "i\n1")
        #expect(object?["timestamp"] as? Int == 1_700_000_000_000)
        #expect((object?["item"] as? [String: Any])?["price"] as? Double == 19.99)
    }
}

@Suite("Recommendation v1")
struct RecommendationMessageTests {
    @Test("Encoded messages decode to the same recommendation, odd ids included")
    func roundTrip() throws {
        let recommendation = Recommendation(
            userID: "ü \"quoted\"\n", items: [.init(itemID: "i/1", score: 0.125), .init(itemID: "☃", score: -2)],
            model: "hybrid", generatedAt: 1_764_400_000_123,
            basedOn: .init(partition: 5, offset: 9_000_000_000, eventTime: 1_700_000_000_456))
        #expect(try Recommendation(decoding: recommendation.encoded()) == recommendation)
    }

    @Test("Another version or a non-message is a clear error")
    func rejects() {
        #expect(throws: StreamRecError.self) { try Recommendation(decoding: Array("{}".utf8)) }
        let future =
            #"{"version":2,"user_id":"u","items":[],"model":"m","generated_at":"2026-01-01T00:00:00Z","based_on":{"partition":0,"offset":1,"event_time":"2026-01-01T00:00:00Z"}}"#
        let error = try? #require(throws: StreamRecError.self) { try Recommendation(decoding: Array(future.utf8)) }
        #expect(error?.description.contains("version 2") == true)
    }

    @Test("An update supersedes another when its event is later, or the same event was refreshed later")
    func supersedes() {
        func update(offset: Int64, partition: Int32 = 0, at generatedAt: Int64) -> Recommendation {
            Recommendation(
                userID: "u1", items: [], model: "hybrid", generatedAt: generatedAt,
                basedOn: .init(partition: partition, offset: offset, eventTime: offset * 10))
        }
        #expect(
            update(offset: 5, at: 1).supersedes(update(offset: 4, at: 2)), "a later event wins over a later refresh")
        #expect(!update(offset: 4, at: 2).supersedes(update(offset: 5, at: 1)))
        #expect(update(offset: 5, at: 2).supersedes(update(offset: 5, at: 1)), "a periodic refresh of the same event")
        #expect(!update(offset: 5, at: 1).supersedes(update(offset: 5, at: 1)), "a redelivered copy is not newer")
        #expect(
            update(offset: 1, partition: 2, at: 1).supersedes(update(offset: 9, partition: 1, at: 1)) == false,
            "across partitions event time decides: 10 < 90")
    }
}
