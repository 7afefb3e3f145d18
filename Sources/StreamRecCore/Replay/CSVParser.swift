/// Reads CSV logs (RFC 4180 quoting) with a header row, or with column names given
/// up front, mapping columns to event fields, e.g.
/// `user=visitorid,item=itemid,type=event,timestamp=timestamp`.
public struct CSVParser: LogLineParser {
    private let mapping: CSVMapping
    private let schema: EventSchema
    private var columns: ResolvedColumns?

    /// - Parameter columns: names for the columns of a file without a header row;
    ///   nil reads them from the first line.
    public init(mapping: CSVMapping, schema: EventSchema, columns: [String]? = nil) throws(LogLineError) {
        self.mapping = mapping
        self.schema = schema
        if let columns { self.columns = try resolve(header: columns) }
    }

    struct ResolvedColumns {
        var user: Int
        var item: Int
        var type: Int?
        var timestamp: Int
        var value: Int?
        var eventID: Int?
        var itemAttributes: [(String, Int)]
        var context: [(String, Int)]
        var count: Int
    }

    public mutating func parse(_ line: UnsafeRawBufferPointer) throws(LogLineError) -> Event? {
        if line.isEmpty { return nil }
        let fields = Self.fields(line)
        guard let columns else {
            columns = try resolve(header: fields)
            return nil
        }
        guard fields.count == columns.count else {
            throw .malformed("expected \(columns.count) columns as in the header, found \(fields.count)")
        }
        var type = mapping.fixedType ?? ""
        if let column = columns.type { type = mapping.typeNames[fields[column]] ?? fields[column] }
        var value: Double?
        if let column = columns.value, !fields[column].isEmpty {
            guard let number = Double(fields[column]), number.isFinite else {
                throw .malformed("\(mapping.value ?? "value") '\(fields[column])' is not a number")
            }
            value = number
        }
        let timestamp = try Self.timestamp(fields[columns.timestamp], column: mapping.timestamp)
        var event = Event(
            userID: fields[columns.user], itemID: fields[columns.item], type: type,
            timestampMilliseconds: timestamp, value: value)
        if let column = columns.eventID, !fields[column].isEmpty { event.eventID = fields[column] }
        for (name, column) in columns.itemAttributes where !fields[column].isEmpty {
            event.item[name] = Self.attribute(fields[column])
        }
        for (name, column) in columns.context where !fields[column].isEmpty {
            event.context[name] = Self.attribute(fields[column])
        }
        do throws(EventDecodingError) { try schema.validate(event) } catch { throw LogLineError(error) }
        return event
    }

    private func resolve(header: [String]) throws(LogLineError) -> ResolvedColumns {
        func index(_ name: String) throws(LogLineError) -> Int {
            guard let found = header.firstIndex(of: name) else {
                throw LogLineError(
                    reason: "missing_column",
                    "column '\(name)' is not in the header; columns are \(header.joined(separator: ", ")) (check --map)"
                )
            }
            return found
        }
        func optional(_ name: String?) throws(LogLineError) -> Int? {
            guard let name else { return nil }
            return try index(name)
        }
        var item: [(String, Int)] = []
        for (attribute, column) in mapping.itemAttributes { item.append((attribute, try index(column))) }
        var context: [(String, Int)] = []
        for (attribute, column) in mapping.contextAttributes { context.append((attribute, try index(column))) }
        return ResolvedColumns(
            user: try index(mapping.user), item: try index(mapping.item), type: try optional(mapping.type),
            timestamp: try index(mapping.timestamp), value: try optional(mapping.value),
            eventID: try optional(mapping.eventID),
            itemAttributes: item, context: context, count: header.count)
    }

    /// Epoch seconds or milliseconds (told apart by size: below 10^11 in magnitude
    /// is seconds, which covers dates up to year 5138), with an optional fraction,
    /// or RFC 3339.
    static func timestamp(_ text: String, column: String) throws(LogLineError) -> Int64 {
        if let integer = Int64(text) {
            // Found by fuzzing: a large negative number was taken for seconds and overflowed.
            return integer.magnitude < 100_000_000_000 ? integer * 1000 : integer
        }
        if let number = Double(text), number.isFinite, abs(number) < 1e15 {
            return abs(number) < 1e11 ? Int64((number * 1000).rounded()) : Int64(number.rounded())
        }
        if let parsed = RFC3339.milliseconds(text) { return parsed }
        throw LogLineError(
            reason: EventDecodingError.Reason.invalidTimestamp.code,
            "\(column) '\(text)' is neither epoch seconds/milliseconds nor an RFC 3339 time")
    }

    static func attribute(_ text: String) -> EventAttribute {
        if let number = Double(text), number.isFinite { return .number(number) }
        if text == "true" || text == "false" { return .bool(text == "true") }
        return .string(text)
    }

    /// RFC 4180 fields: commas separate, double quotes enclose, `""` is a quote.
    static func fields(_ line: UnsafeRawBufferPointer) -> [String] {
        var fields: [String] = []
        var index = 0
        let count = line.count
        while true {
            if index < count, line[index] == UInt8(ascii: "\"") {
                var bytes: [UInt8] = []
                index += 1
                while index < count {
                    if line[index] == UInt8(ascii: "\"") {
                        if index + 1 < count, line[index + 1] == UInt8(ascii: "\"") {
                            bytes.append(UInt8(ascii: "\""))
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    bytes.append(line[index])
                    index += 1
                }
                while index < count, line[index] != UInt8(ascii: ",") { index += 1 }
                fields.append(String(decoding: bytes, as: UTF8.self))
            } else {
                let start = index
                while index < count, line[index] != UInt8(ascii: ",") { index += 1 }
                fields.append(String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<index]), as: UTF8.self))
            }
            if index >= count { return fields }
            index += 1  // the comma
        }
    }
}
