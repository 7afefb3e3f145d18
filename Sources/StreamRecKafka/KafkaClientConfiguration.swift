/// Settings shared by producers, consumers and admin clients.
///
/// Typed fields cover what StreamRec itself relies on; `properties` passes any other
/// librdkafka property through unchanged (for example `security.protocol`,
/// `sasl.mechanisms`, `sasl.username`, `ssl.ca.location`), and wins over the typed
/// fields when both set the same property. Every property is checked by librdkafka
/// when a client is created; an unknown name or bad value throws
/// ``KafkaError/Code/invalidProperty`` naming it.
public struct KafkaClientConfiguration: Sendable, Equatable {
    /// `bootstrap.servers`: `host:port` entries. Required.
    public var bootstrapServers: [String]
    /// `client.id`, shown in broker logs. Default `streamrec`.
    public var clientID: String = "streamrec"
    /// `reconnect.backoff.max.ms`: the longest wait between attempts to reach a
    /// broker that is down. Default 1,000 rather than librdkafka's 10,000, whose
    /// backoff let a client wait up to 10 s after the broker came back: measured on
    /// the embedded cluster, the engine caught up 8–9 s after a partition leader
    /// returned with 10,000, and 0.5–1.1 s with 1,000.
    public var reconnectBackoffMaxMilliseconds = 1_000
    /// Any librdkafka property, applied after the typed fields.
    public var properties: [String: String] = [:]

    public init(bootstrapServers: [String], clientID: String = "streamrec", properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.properties = properties
    }

    /// Parses `host:port[,host:port…]`.
    public init(bootstrapServers list: String, properties: [String: String] = [:]) {
        self.init(
            bootstrapServers: list.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty },
            properties: properties
        )
    }

    func baseProperties() throws(KafkaError) -> [(String, String)] {
        guard !bootstrapServers.isEmpty else {
            throw KafkaError(.invalidConfiguration, "no bootstrap servers configured")
        }
        return [
            ("bootstrap.servers", bootstrapServers.joined(separator: ",")),
            ("client.id", clientID),
            ("reconnect.backoff.max.ms", String(reconnectBackoffMaxMilliseconds)),
        ]
    }
}

/// Producer settings. Defaults favour safety (idempotence) and throughput
/// (compression, a short linger so librdkafka batches).
public struct KafkaProducerConfiguration: Sendable, Equatable {
    public var client: KafkaClientConfiguration
    /// `enable.idempotence`: no duplicates or reordering from retries. Default `true`.
    public var idempotence: Bool = true
    /// `compression.type`. Default `lz4`: cheap on CPU, and compressed JSON events
    /// make the embedded cluster's small per-partition retention hold more of them.
    public var compression: Compression = .lz4
    /// `linger.ms`: how long librdkafka waits to fill a batch. Default 5.
    public var lingerMilliseconds: Int = 5
    /// `queue.buffering.max.messages`: the local queue bound. Default 1,000,000.
    public var queueCapacity: Int = 1_000_000
    /// `batch.num.messages`. Default 10,000.
    public var batchMessages: Int = 10_000
    /// `message.timeout.ms`: when an undeliverable message fails. Default 30,000.
    public var messageTimeoutMilliseconds: Int = 30_000
    /// `message.max.bytes`: a record larger than this is refused when sent, with
    /// ``KafkaError/Code/recordTooLarge``. Default 1,000,000, as Kafka brokers'.
    public var maxRecordBytes: Int = 1_000_000

    public enum Compression: String, Sendable, CaseIterable {
        case none, gzip, snappy, lz4, zstd
    }

    public init(client: KafkaClientConfiguration) {
        self.client = client
    }

    func librdkafkaProperties() throws(KafkaError) -> [(String, String)] {
        var result = try client.baseProperties()
        result += [
            ("enable.idempotence", idempotence ? "true" : "false"),
            ("compression.type", compression.rawValue),
            ("linger.ms", String(lingerMilliseconds)),
            ("queue.buffering.max.messages", String(queueCapacity)),
            ("batch.num.messages", String(batchMessages)),
            ("message.timeout.ms", String(messageTimeoutMilliseconds)),
            ("message.max.bytes", String(maxRecordBytes)),
        ]
        return result + client.properties.sorted { $0.key < $1.key }
    }
}

/// Consumer-group settings. Offsets are committed by the caller only
/// (`enable.auto.commit=false`), so that state and offsets move together.
public struct KafkaConsumerConfiguration: Sendable, Equatable {
    public var client: KafkaClientConfiguration
    /// `group.id`. Required.
    public var groupID: String
    /// `auto.offset.reset`: where a partition with no committed offset starts.
    public var autoOffsetReset: AutoOffsetReset = .earliest
    /// `fetch.wait.max.ms`. `nil` keeps librdkafka's default (500). The embedded
    /// cluster waits this long on every empty fetch, so use about 5 there.
    public var fetchWaitMaxMilliseconds: Int?
    /// `session.timeout.ms`: how long the group waits for a silent member (one that
    /// was killed) before its partitions move. Default 6,000, the broker's usual
    /// minimum (`group.min.session.timeout.ms`).
    public var sessionTimeoutMilliseconds: Int = 6_000
    /// `heartbeat.interval.ms`. Default 1,000: well within the session timeout.
    public var heartbeatIntervalMilliseconds: Int = 1_000
    /// `group.instance.id`, for static membership; nil for none.
    public var instanceID: String?
    /// `queued.min.messages`: records librdkafka prefetches into the local queue
    /// (bounded also by `queued.max.messages.kbytes`, 64 MiB). Default 1,000,000.
    ///
    /// librdkafka 2.0.2 re-checks a full queue only about once a second (newer
    /// versions have `fetch.queue.backoff.ms`), so with its default of 100,000 a
    /// consumer faster than that stalls for up to a second at a time; measured on the
    /// embedded cluster, consumption fell from about 1.8M to 0.2M records/s.
    public var prefetchMessages: Int = 1_000_000

    public enum AutoOffsetReset: String, Sendable, CaseIterable {
        case earliest, latest, error
    }

    public init(client: KafkaClientConfiguration, groupID: String) {
        self.client = client
        self.groupID = groupID
    }

    func librdkafkaProperties() throws(KafkaError) -> [(String, String)] {
        guard !groupID.isEmpty else {
            throw KafkaError(.invalidConfiguration, "consumer group id is empty")
        }
        var result = try client.baseProperties()
        result += [
            ("group.id", groupID),
            ("enable.auto.commit", "false"),
            ("enable.auto.offset.store", "false"),
            ("enable.partition.eof", "false"),
            ("auto.offset.reset", autoOffsetReset.rawValue),
            ("session.timeout.ms", String(sessionTimeoutMilliseconds)),
            ("heartbeat.interval.ms", String(heartbeatIntervalMilliseconds)),
            ("queued.min.messages", String(prefetchMessages)),
        ]
        if let instanceID { result.append(("group.instance.id", instanceID)) }
        if let fetchWaitMaxMilliseconds {
            result.append(("fetch.wait.max.ms", String(fetchWaitMaxMilliseconds)))
        }
        return result + client.properties.sorted { $0.key < $1.key }
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
