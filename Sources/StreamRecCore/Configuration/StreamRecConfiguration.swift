/// Everything StreamRec can be configured with, after layering the built-in
/// defaults, the config file, `STREAMREC_…` environment variables and flags.
///
/// ``ConfigurationKey/all`` lists each setting with its file key, environment
/// variable, type and meaning; `streamrec config` prints the effective values.
public struct StreamRecConfiguration: Sendable, Equatable {
    public struct Kafka: Sendable, Equatable {
        /// `host:port[,…]`. Empty: use the embedded broker that `streamrec broker`
        /// announced on this machine.
        public var bootstrapServers = ""
        public var clientID = "streamrec"
        /// Any librdkafka property (`security.protocol`, `sasl.*`, `ssl.*`, …).
        public var properties: [String: String] = [:]
        /// How long a command waits for the first broker answer before failing.
        public var connectTimeoutMilliseconds = 10_000
        /// The largest record StreamRec's producers send (`message.max.bytes`):
        /// Kafka brokers refuse larger ones by default, and the embedded broker,
        /// which cannot refuse them, keeps only about 5 MiB per partition.
        public var maxRecordBytes = 1_000_000
    }

    public struct Topics: Sendable, Equatable {
        public var events = "streamrec.events"
        public var deadLetter = "streamrec.events.dlq"
        public var recommendations = "streamrec.recommendations"
        /// The engine's state changes per user, from which another instance restores
        /// a partition it takes over. Created by the engine when missing.
        public var changelog = "streamrec.state.changelog"
        /// The item side of events, shared between the instances of a group
        /// (`engine.share_item_state`).
        public var items = "streamrec.model.items"
        /// Folder of topic definition files applied by `streamrec topics apply`.
        public var directory = "topics"
    }

    public struct Consumer: Sendable, Equatable {
        public var groupID = "streamrec"
        /// `earliest`, `latest` or `error`: where a partition with no committed offset starts.
        public var autoOffsetReset = "earliest"
        /// `session.timeout.ms`: how long the group waits for a member that stopped
        /// heartbeating (one killed, say) before its partitions go to others.
        public var sessionTimeoutMilliseconds = 6_000
        /// `group.instance.id` (static membership), empty for none: a member that
        /// restarts with the same id within the session timeout gets its partitions
        /// back without a rebalance, on clusters that support it.
        public var instanceID = ""
    }

    public struct State: Sendable, Equatable {
        public var directory = "state"
        /// Users with no event for this many days of event time are erased, as by
        /// `streamrec forget`; 0 keeps every user.
        public var userRetentionDays = 0.0
        /// How often, at most, the engine looks for users past the retention.
        public var retentionSweepMilliseconds = 60_000
    }

    /// How `streamrec run` refreshes, checkpoints and stops.
    public struct Engine: Sendable, Equatable {
        /// After a user's refresh, further events within this window are coalesced
        /// into one trailing refresh at its end. The first event of a quiet user is
        /// answered at once.
        public var refreshWindowMilliseconds = 20
        /// Leave out items the user already consumed (the feature store's bounded set).
        public var excludeConsumed = true
        /// Write each user's state changes to `topics.changelog` at every checkpoint,
        /// and restore a partition taken over from another instance from it.
        public var changelog = true
        /// Share item state with the other instances of the group through
        /// `topics.items`: `auto` while this instance owns only some of the events
        /// topic's partitions (others own the rest), `true` always, `false` never.
        public var shareItemState = "auto"
        /// A checkpoint is written when this much time or `checkpointEvents` records
        /// have passed since the last one, whichever comes first.
        public var checkpointIntervalMilliseconds = 10_000
        public var checkpointEvents = 200_000
        /// Most records taken from the consumer per loop iteration. Under load a
        /// user's events in one batch share one refresh: larger batches coalesce more.
        public var batchSize = 20_000
        /// Longest a graceful shutdown may take before the process exits anyway.
        public var shutdownTimeoutMilliseconds = 30_000
        /// Every this often, recently active users whose list is `periodicRefreshDriftEvents`
        /// events old are refreshed although they did nothing; 0 turns it off.
        public var periodicRefreshMilliseconds = 0
        /// A user counts as recently active this long after an event of theirs.
        public var periodicRefreshActiveMilliseconds = 600_000
        /// Events applied since a user's last update before the list counts as drifted.
        public var periodicRefreshDriftEvents = 10_000
        /// Most users refreshed per round, stalest first, to bound a round's work.
        public var periodicRefreshMaxUsers = 1_000
    }

    /// The HTTP API of `streamrec run` and `streamrec serve`.
    public struct HTTP: Sendable, Equatable {
        /// Where `streamrec run` (and `demo`) listens, `host:port`, or `off`.
        public var engineAddress = "127.0.0.1:8080"
        /// Where `streamrec serve` listens, `host:port`.
        public var serveAddress = "127.0.0.1:8081"
        /// Bearer token every `POST` must carry; empty: none required.
        public var token = ""
        /// Bearer token reads must carry (the write token is accepted too); empty:
        /// reads are open.
        public var readToken = ""
        /// Largest request body accepted; larger ones get 413.
        public var maxBodyBytes = 1_048_576
    }

    /// Recommendation model settings; read by the engine.
    public struct Model: Sendable, Equatable {
        public var name = "hybrid"
        public var topN = 10
        /// Hyper-parameters of every model.
        public var settings = ModelSettings()
    }

    public var kafka = Kafka()
    public var topics = Topics()
    public var consumer = Consumer()
    public var state = State()
    public var engine = Engine()
    public var http = HTTP()
    public var model = Model()
    /// What a valid event is; the `events` section.
    public var events = EventSchema()
    /// The bounds of `events` as set, before they are checked and become its ranges.
    var eventBounds = EventBounds()

    struct EventBounds: Sendable, Equatable {
        var ratingMin = EventSchema().ratingRange.lowerBound
        var ratingMax = EventSchema().ratingRange.upperBound
        var minTimestamp = EventSchema().timestampRange.lowerBound
        var maxTimestamp = EventSchema().timestampRange.upperBound
    }
    /// How features decay and are bounded; the `features` section.
    public var features = FeatureSettings()

    public init() {}
}
