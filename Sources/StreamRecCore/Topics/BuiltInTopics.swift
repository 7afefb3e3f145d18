/// The topic definitions and value schemas of `topics/`, built into the binary so
/// that `streamrec broker` and `streamrec topics apply` work from any directory;
/// a `topics/` folder, when present or given, is used instead. A test checks that
/// each text equals its file, so the two cannot drift apart.
public enum BuiltInTopics {
    /// Each definition's file name (as in `topics/`) and YAML text.
    public static let definitionFiles: [(file: String, yaml: String)] = [
        (
            "streamrec.events.yaml",
            #"""
            # User-behaviour events (view, click, add_to_cart, purchase, rating, …) written by
            # applications and by `streamrec replay`. Keyed by user id, so that one user's
            # events stay on one partition, in order, and one engine instance owns them.
            name: streamrec.events
            partitions: 6
            # 1 suits the embedded broker and single-broker clusters; use 3 on a real cluster.
            replication_factor: 1
            key: user_id
            description: Event v1 JSON, one per user action.
            value_schema: schemas/event-v1.schema.json
            configs:
              cleanup.policy: delete
              retention.ms: "604800000"   # 7 days: how far back `streamrec run --reset-to` can reprocess
            """#
        ),
        (
            "streamrec.events.dlq.yaml",
            #"""
            # Records from streamrec.events that could not be decoded: original key and bytes,
            # with headers saying why (error) and where from (source topic, partition, offset).
            name: streamrec.events.dlq
            partitions: 3
            replication_factor: 1
            key: original key of the rejected record
            description: Dead letters; value is the rejected record's bytes unchanged.
            configs:
              cleanup.policy: delete
              retention.ms: "1209600000"  # 14 days, time enough to inspect and replay
            """#
        ),
        (
            "streamrec.recommendations.yaml",
            #"""
            # The latest top-N recommendations per user. Compacted: a new reader of the topic
            # gets every user's current list without the history of updates.
            name: streamrec.recommendations
            partitions: 6
            replication_factor: 1
            key: user_id
            description: Recommendation v1 JSON, one per refresh of a user's list.
            configs:
              cleanup.policy: compact
              min.compaction.lag.ms: "60000"
            """#
        ),
        (
            "streamrec.state.changelog.yaml",
            #"""
            # The engine's per-user state (features, consumed items, recent items, factors),
            # written at each checkpoint for the users that changed. An instance given a
            # partition that another instance processed restores that partition's users from
            # the same partition here. Compacted: the latest state per user is kept; a null
            # value (`streamrec forget`) erases the user. The engine creates it when missing,
            # with the events topic's partition count.
            name: streamrec.state.changelog
            partitions: 6
            replication_factor: 1
            key: user_id
            description: Engine-internal binary user state (checksummed); not for applications.
            configs:
              cleanup.policy: compact
              min.compaction.lag.ms: "60000"
            """#
        ),
        (
            "streamrec.model.items.yaml",
            #"""
            # The item side of every event, shared between the instances of one consumer group
            # (engine.share_item_state): each instance publishes what its users' events did to
            # items (counts, popularity, co-occurrence pairs) and applies every other
            # instance's, so that each ranks with what all users did. Keyed by the events
            # partition the events came from, on the same partition, in offset order. Kept
            # forever: a new instance builds its item state by reading it from the start.
            name: streamrec.model.items
            partitions: 6
            replication_factor: 1
            key: events partition
            description: Engine-internal binary item updates (SharedItemRecord); not for applications.
            configs:
              cleanup.policy: delete
              retention.ms: "-1"
            """#
        ),
    ]

    /// Each value schema's file name (as in `topics/schemas/`) and JSON text.
    public static let schemaFiles: [(file: String, json: String)] = [
        (
            "event-v1.schema.json",
            #"""
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": "streamrec/event-v1.schema.json",
              "title": "StreamRec Event v1",
              "description": "One user action, the value of a record on streamrec.events (key: user_id). Fields not listed here are ignored. Limits (id length, payload size, rating scale, time range, event types) come from the `events` section of the configuration; the defaults are shown.",
              "type": "object",
              "required": ["user_id", "item_id", "type", "timestamp"],
              "properties": {
                "user_id": { "type": "string", "minLength": 1, "description": "At most events.max_id_bytes (256) UTF-8 bytes." },
                "item_id": { "type": "string", "minLength": 1, "description": "At most events.max_id_bytes (256) UTF-8 bytes." },
                "type": {
                  "type": "string",
                  "description": "One of events.types; by default view, click, add_to_cart, purchase, rating.",
                  "examples": ["view", "click", "add_to_cart", "purchase", "rating"]
                },
                "timestamp": {
                  "description": "Event time: whole epoch milliseconds or an RFC 3339 date-time, within events.min_timestamp (1990-01-01) and events.max_timestamp (2100-01-01).",
                  "oneOf": [
                    { "type": "integer", "minimum": 631152000000, "maximum": 4102444800000 },
                    { "type": "string", "format": "date-time" }
                  ]
                },
                "value": {
                  "type": "number",
                  "description": "Required for rating events, within events.rating_min … rating_max (0.5 … 5). For other types an optional non-negative weight multiplier."
                },
                "event_id": { "type": "string", "minLength": 1, "description": "The producer's id of the event, for de-duplication." },
                "item": {
                  "type": "object",
                  "description": "Item attributes such as category and price.",
                  "additionalProperties": { "type": ["string", "number", "boolean", "null"] }
                },
                "context": {
                  "type": "object",
                  "description": "Free-form context such as device or session.",
                  "additionalProperties": { "type": ["string", "number", "boolean", "null"] }
                }
              },
              "additionalProperties": true,
              "examples": [
                { "user_id": "u42", "item_id": "sku-1001", "type": "add_to_cart", "timestamp": 1714564800000, "item": { "category": "shoes", "price": 59.9 } },
                { "user_id": "196", "item_id": "242", "type": "rating", "value": 3, "timestamp": "1997-12-04T15:55:49Z" }
              ]
            }
            """#
        ),
        (
            "recommendation-v1.schema.json",
            #"""
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": "https://streamrec.dev/schemas/recommendation-v1.schema.json",
              "title": "StreamRec Recommendation v1",
              "description": "The top-N list published for one user on streamrec.recommendations, keyed by user_id. Output is at-least-once: keep the update whose based_on is newest.",
              "type": "object",
              "required": ["version", "user_id", "items", "model", "generated_at", "based_on"],
              "additionalProperties": false,
              "properties": {
                "version": { "const": 1 },
                "user_id": { "type": "string", "minLength": 1 },
                "items": {
                  "type": "array",
                  "description": "Best first.",
                  "items": {
                    "type": "object",
                    "required": ["item_id", "score"],
                    "additionalProperties": false,
                    "properties": {
                      "item_id": { "type": "string", "minLength": 1 },
                      "score": { "type": "number", "description": "Model-specific; compare within one list only." }
                    }
                  }
                },
                "model": { "type": "string", "description": "Name of the model that ranked the list, e.g. hybrid." },
                "generated_at": { "type": "string", "format": "date-time", "description": "Wall-clock time of the refresh." },
                "based_on": {
                  "type": "object",
                  "description": "The newest event this list reflects.",
                  "required": ["partition", "offset", "event_time"],
                  "additionalProperties": false,
                  "properties": {
                    "partition": { "type": "integer", "minimum": 0 },
                    "offset": { "type": "integer", "minimum": 0 },
                    "event_time": { "type": "string", "format": "date-time" }
                  }
                }
              }
            }
            """#
        ),
    ]

    /// The built-in definitions, parsed.
    public static func definitions() throws(StreamRecError) -> [TopicDefinition] {
        try definitionFiles.map { (file, yaml) throws(StreamRecError) in
            try TopicDefinition.parse(yaml: yaml, file: "built-in \(file)")
        }
    }
}
