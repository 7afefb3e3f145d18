/// Reads MovieLens rating logs: `u.data` (tab-separated) and `ratings.dat`
/// (`::`-separated), both `user, item, rating, unix seconds`. Each line becomes a
/// rating event at that time.
public struct MovieLensParser: LogLineParser {
    private let separator: [UInt8]
    private let schema: EventSchema

    public init(format: LogFormat, schema: EventSchema) {
        separator = format == .movielens1m ? Array("::".utf8) : [0x09]
        self.schema = schema
    }

    public mutating func parse(_ line: UnsafeRawBufferPointer) throws(LogLineError) -> Event? {
        if line.isEmpty { return nil }
        var fields: (Range<Int>, Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0, 0..<0)
        let count = FieldSplitter.split(line, separator: separator, into: &fields)
        guard count == 4 else {
            throw .malformed("expected 4 fields (user, item, rating, timestamp), found \(count)")
        }
        func text(_ range: Range<Int>) -> String { String(decoding: line[range], as: UTF8.self) }
        guard let rating = FieldSplitter.number(line, fields.2) else {
            throw .malformed("rating '\(text(fields.2))' is not a number")
        }
        guard let seconds = FieldSplitter.integer(line, fields.3) else {
            throw .malformed("timestamp '\(text(fields.3))' is not whole unix seconds")
        }
        let event = Event(
            userID: text(fields.0),
            itemID: text(fields.1),
            type: schema.ratingType,
            timestampMilliseconds: seconds.multipliedReportingOverflow(by: 1000).partialValue,
            value: rating
        )
        do throws(EventDecodingError) { try schema.validate(event) } catch { throw LogLineError(error) }
        return event
    }
}

/// Splits lines at a separator (no quoting) and reads plain numbers from bytes,
/// without a String or an array per line.
enum FieldSplitter {
    /// Fills up to four field ranges; returns how many fields the line has.
    static func split(
        _ line: UnsafeRawBufferPointer, separator: [UInt8],
        into fields: inout (Range<Int>, Range<Int>, Range<Int>, Range<Int>)
    ) -> Int {
        var count = 0
        var start = 0
        var index = 0
        let width = separator.count
        func store(_ range: Range<Int>) {
            switch count {
            case 0: fields.0 = range
            case 1: fields.1 = range
            case 2: fields.2 = range
            case 3: fields.3 = range
            default: break
            }
            count += 1
        }
        while index + width <= line.count {
            if line[index] == separator[0], width == 1 || line[index + 1] == separator[1] {
                store(start..<index)
                index += width
                start = index
            } else {
                index += 1
            }
        }
        store(start..<line.count)
        return count
    }

    /// A non-negative whole number of at most 18 digits.
    static func integer(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int64? {
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var value: Int64 = 0
        for index in range {
            let digit = line[index] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value
    }

    /// A number: whole numbers directly, anything else through the standard parser.
    static func number(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Double? {
        if let whole = integer(line, range) { return Double(whole) }
        guard let value = Double(String(decoding: line[range], as: UTF8.self)), value.isFinite else { return nil }
        return value
    }
}
