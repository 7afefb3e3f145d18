/// Reads Event v1 JSON, one object per line; blank lines are skipped.
public struct JSONLinesParser: LogLineParser {
    private let decoder: EventDecoder

    public init(schema: EventSchema) {
        decoder = EventDecoder(schema: schema)
    }

    public mutating func parse(_ line: UnsafeRawBufferPointer) throws(LogLineError) -> Event? {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
        do throws(EventDecodingError) {
            return try decoder.decode(line)
        } catch {
            throw LogLineError(error)
        }
    }
}
