import Testing

@testable import StreamRecKafka

@Suite("Lost positions in librdkafka's OFFSET log lines")
struct OffsetResetDetectionTests {
    @Test(
        "A reset past records the broker dropped counts; starting a partition without a committed offset does not",
        arguments: [
            (
                "streamrec.events [0]: offset reset (at offset 100, broker 1) to cached BEGINNING offset 128: "
                    + "fetch failed due to requested offset not available on the broker: Broker: Offset out of range",
                true
            ),
            (
                "streamrec.events [3]: offset reset (at offset INVALID, broker 1) to BEGINNING: "
                    + "no previously committed offset available: Local: No offset stored",
                false
            ),
        ])
    func classifies(line: String, lost: Bool) {
        #expect(RdKafkaCallbacks.isLostPosition(line) == lost)
    }
}
