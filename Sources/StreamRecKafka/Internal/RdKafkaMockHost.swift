import CRdKafka
import Logging

/// Owns a librdkafka mock cluster and the client handle it runs on.
///
/// `@unchecked Sendable`: the mock cluster's API is thread-safe (it posts
/// operations to the cluster's own thread); the pointers never change.
final class RdKafkaMockHost: @unchecked Sendable {
    let client: RdKafkaClient
    let cluster: OpaquePointer
    let bootstrapServers: String

    init(brokers: Int32, logger: Logger) throws(KafkaError) {
        // The host handle is never used to produce; it only carries the mock's thread.
        client = try RdKafkaClient(
            type: RD_KAFKA_PRODUCER, properties: [("client.id", "streamrec-embedded")],
            callbacks: RdKafkaCallbacks(logger: logger))
        guard let cluster = rd_kafka_mock_cluster_new(client.handle, brokers) else {
            throw KafkaError(.embeddedCluster, "could not start the embedded cluster (no free loopback ports?)")
        }
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }

    func check(_ err: rd_kafka_resp_err_t, _ what: String) throws(KafkaError) {
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.rdKafka(.embeddedCluster, "embedded cluster: \(what)", err)
        }
    }
}
