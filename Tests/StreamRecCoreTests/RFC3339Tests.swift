import Foundation
import StreamRecCore
import Testing

@Suite("RFC 3339 times")
struct RFC3339Tests {
    @Test(
        "Parses Z, offsets and fractions",
        arguments: [
            ("1970-01-01T00:00:00Z", 0 as Int64),
            ("2017-11-25T10:00:00Z", 1_511_604_000_000),
            ("2017-11-25T12:00:00+02:00", 1_511_604_000_000),
            ("2017-11-25T05:30:00.5-04:30", 1_511_604_000_500),
            ("2000-02-29T23:59:59.999Z", 951_868_799_999),
            ("1997-12-04 15:55:49Z", 881_250_949_000),
        ])
    func parses(text: String, expected: Int64) {
        #expect(RFC3339.milliseconds(text) == expected)
    }

    @Test(
        "Rejects what is not a date-time",
        arguments: [
            "2017-11-25", "2017-13-01T00:00:00Z", "2017-02-29T00:00:00Z", "2017-11-25T24:00:00Z", "2017-11-25T10:00:00",
            "2017-11-25T10:00:00+0200", "2017-11-25T10:00:00Zjunk", "2017-11-25T10:00:00.Z", "yesterday",
        ])
    func rejects(text: String) {
        #expect(RFC3339.milliseconds(text) == nil)
    }

    @Test("Formatting and parsing agree with Foundation on random instants")
    func agreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var state: UInt64 = 7
        for _ in 0..<1_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let milliseconds = Int64(state % 4_102_444_800_000)
            let text = RFC3339.format(milliseconds)
            #expect(RFC3339.milliseconds(text) == milliseconds)
            #expect(
                formatter.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == milliseconds)
        }
    }
}
