/// One Kafka record header. Header keys may repeat; order is kept.
public struct KafkaHeader: Hashable, Sendable {
    public var key: String
    /// `nil` is a header with a null value, which Kafka distinguishes from an empty one.
    public var value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    public init(key: String, value: String) {
        self.key = key
        self.value = Array(value.utf8)
    }

    /// The value decoded as UTF-8, if it is present and valid.
    public var stringValue: String? {
        value.flatMap { String(validating: $0, as: UTF8.self) }
    }
}

extension Array where Element == KafkaHeader {
    /// The last value of the header named `key`, as a string.
    public func string(_ key: String) -> String? {
        last(where: { $0.key == key })?.stringValue
    }
}
