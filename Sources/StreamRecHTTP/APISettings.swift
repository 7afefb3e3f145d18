import StreamRecCore

/// How the API behaves, from the configuration.
package struct APISettings: Sendable {
    /// `n` when a request gives none (`model.top_n`).
    package var defaultCount = 10
    /// Largest `n` a request may ask for.
    package var maxCount = 1_000
    /// `http.token`, `http.read_token`: empty for none.
    package var writeToken = ""
    package var readToken = ""
    /// `http.max_body_bytes`.
    package var maxBodyBytes = 1_048_576
    /// What a valid id is (`events.max_id_bytes`).
    package var schema = EventSchema()
    /// Where `POST /v1/events` sends events, for its answer.
    package var eventsTopic = "streamrec.events"

    package init() {}

    /// The API settings `configuration` gives.
    package init(_ configuration: StreamRecConfiguration) {
        defaultCount = configuration.model.topN
        writeToken = configuration.http.token
        readToken = configuration.http.readToken
        maxBodyBytes = configuration.http.maxBodyBytes
        schema = configuration.events
        eventsTopic = configuration.topics.events
    }
}
