import Testing

@testable import StreamRecCore

/// The one-pass reader of common events must give exactly what the full decoder
/// gives, and leave everything else to it.
@Suite("Event decoding: the one-pass reader agrees with the full decoder")
struct FlatEventScannerTests {
    let decoder = EventDecoder()

    /// What the reader makes of `text`, and what the full decoder does.
    func both(_ text: String) -> (fast: Event?, full: Result<Event, EventDecodingError>) {
        Array(text.utf8).withUnsafeBytes { raw in
            (FlatEventScanner.event(raw), Result { () throws(EventDecodingError) in try decoder.decodeFully(raw) })
        }
    }

    static let common = [
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000}"#,
        #" { "user_id" : "u1" , "item_id":"i1","type":"click","timestamp":1700000000000 }  "#,
        "{\"user_id\":\"u1\",\n\t\"item_id\":\"i1\",\r\n\"type\":\"view\",\"timestamp\":1700000000000}",
        #"{"timestamp":"2024-05-01T12:00:00.250+02:00","type":"purchase","item_id":"sku-1","user_id":"42","value":2}"#,
        #"{"user_id":"u1","item_id":"i1","type":"rating","timestamp":1700000000000,"value":4.5,"event_id":"e-1"}"#,
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"value":null,"event_id":null,"item":null}"#,
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"value":-0}"#,
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"item":{"category":"shoes","price":59.90,"new":true,"old":false,"gone":null},"context":{}}"#,
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"context":{"device":"ios","ab":-12.5}}"#,
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"item":{"a":null,"a":1}}"#,
    ]

    @Test("Common events are read in one pass, as the full decoder reads them", arguments: common)
    func commonShapes(text: String) throws {
        let (fast, full) = both(text)
        #expect(fast != nil)
        #expect(fast == (try full.get()))
    }

    static let others = [
        #"{"user_id":"u\u00e9","item_id":"i1","type":"view","timestamp":1700000000000}"#,  // escape
        #"{"user_id":"ué","item_id":"i1","type":"view","timestamp":1700000000000}"#,  // not ASCII
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"extra":1}"#,  // another field
        #"{"user_id":"u1","user_id":"u2","item_id":"i1","type":"view","timestamp":1700000000000}"#,  // repeated
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1.7e12}"#,  // exponent
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000.0}"#,  // fraction
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":01700000000000}"#,  // leading zero
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":"yesterday"}"#,
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"value":1e2}"#,
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"value":"2"}"#,
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"item":{"a":1,"a":2}}"#,
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"item":{"tags":["x"]}}"#,
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000} x"#,
        #"{"user_id":"u1","item_id":"i1","type":"view"}"#,
        #"{"user_id":null,"item_id":"i1","type":"view","timestamp":1700000000000}"#,
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,}"#,
        #"["u1"]"#,
        "",
    ]

    @Test("Anything else is left to the full decoder", arguments: others)
    func otherShapes(text: String) {
        let (fast, full) = both(text)
        #expect(fast == nil)
        _ = full
    }

    @Test("Over thousands of corrupted events, what the reader accepts the full decoder decodes the same way")
    func corruptedEvents() {
        var random = SeededRandom(seed: 5)
        let alphabet = Array(#"{}[]":,.-+eE0123456789 aflnrstu\"#.utf8)
        let encoder = EventEncoder()
        var accepted = 0
        for round in 0..<20_000 {
            var event = Event(
                userID: "u\(random.next() % 50)", itemID: "i\(random.next() % 90)",
                type: ["view", "click", "rating"][round % 3],
                timestampMilliseconds: 1_700_000_000_000 + Int64(random.next() % 1_000_000))
            if round % 3 == 2 { event.value = Double(1 + random.next() % 5) }
            if round % 4 == 0 {
                event.item = ["category": .string("c\(round % 7)"), "price": .number(Double(random.next() % 1000) / 8)]
            }
            var bytes = encoder.encode(event)
            for _ in 0..<(1 + random.next() % 3) {
                let at = Int(random.next() % UInt64(bytes.count))
                let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
                switch random.next() % 3 {
                case 0: bytes[at] = byte
                case 1: bytes.insert(byte, at: at)
                default: bytes.remove(at: at)
                }
            }
            let (fast, full) = bytes.withUnsafeBytes { raw in
                (FlatEventScanner.event(raw), Result { () throws(EventDecodingError) in try decoder.decodeFully(raw) })
            }
            guard let fast, (try? decoder.schema.validate(fast)) != nil else { continue }
            accepted += 1
            #expect(fast == (try? full.get()), "\(String(decoding: bytes, as: UTF8.self))")
        }
        // Many corruptions leave a valid event (a changed digit, added whitespace).
        #expect(accepted > 1_000)
    }
}
