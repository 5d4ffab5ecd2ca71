package dev.nsq.protocol.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * nsqd's {@code GET /stats?format=json}, field for field as NSQ 1.3 writes it (names, order,
 * which fields are null and which are left out), so nsqadmin, nsq_stat and users' scripts read it.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record NsqdStats(
        @JsonProperty("version") String version,
        @JsonProperty("health") String health,
        @JsonProperty("start_time") long startTime,
        @JsonProperty("topics") List<TopicStats> topics,
        @JsonProperty("memory") @JsonInclude(JsonInclude.Include.NON_NULL) MemoryStats memory,
        @JsonProperty("producers") List<ClientStats> producers) {

    public record TopicStats(
            @JsonProperty("topic_name") String topicName,
            @JsonProperty("channels") List<ChannelStats> channels,
            @JsonProperty("depth") long depth,
            @JsonProperty("backend_depth") long backendDepth,
            @JsonProperty("message_count") long messageCount,
            @JsonProperty("message_bytes") long messageBytes,
            @JsonProperty("paused") boolean paused,
            @JsonProperty("e2e_processing_latency") E2eLatency e2eProcessingLatency,
            // ours, present only when the feature is on (nsqd --max-bytes-per-queue)
            @JsonProperty("held_bytes") @JsonInclude(JsonInclude.Include.NON_NULL) Long heldBytes,
            @JsonProperty("max_bytes") @JsonInclude(JsonInclude.Include.NON_NULL) Long maxBytes,
            // ours, present only for a replicated topic (nsqd --replication-factor, docs/replication.md)
            @JsonProperty("replication") @JsonInclude(JsonInclude.Include.NON_NULL) ReplicationStats replication) {}

    /**
     * A replicated topic's placement as this nsqd knows it: the epoch grows at each change of
     * leader; nodes are named {@code <broadcast_address>:<tcp_port>}; {@code replicas} includes the
     * leader, and a topic whose {@code in_sync} is shorter is under-replicated.
     */
    public record ReplicationStats(
            @JsonProperty("epoch") long epoch,
            @JsonProperty("leader") String leader,
            @JsonProperty("replicas") List<String> replicas,
            @JsonProperty("in_sync") List<String> inSync) {}

    public record ChannelStats(
            @JsonProperty("channel_name") String channelName,
            @JsonProperty("depth") long depth,
            @JsonProperty("backend_depth") long backendDepth,
            @JsonProperty("in_flight_count") long inFlightCount,
            @JsonProperty("deferred_count") long deferredCount,
            @JsonProperty("message_count") long messageCount,
            @JsonProperty("requeue_count") long requeueCount,
            @JsonProperty("timeout_count") long timeoutCount,
            @JsonProperty("client_count") int clientCount,
            @JsonProperty("clients") List<ClientStats> clients,
            @JsonProperty("paused") boolean paused,
            @JsonProperty("e2e_processing_latency") E2eLatency e2eProcessingLatency,
            // ours, present only when the feature is on (nsqd --max-attempts, --max-bytes-per-queue)
            @JsonProperty("dead_letter_count") @JsonInclude(JsonInclude.Include.NON_NULL) Long deadLetterCount,
            @JsonProperty("held_bytes") @JsonInclude(JsonInclude.Include.NON_NULL) Long heldBytes,
            @JsonProperty("max_bytes") @JsonInclude(JsonInclude.Include.NON_NULL) Long maxBytes) {}

    public record ClientStats(
            @JsonProperty("client_id") String clientId,
            @JsonProperty("hostname") String hostname,
            @JsonProperty("version") String version,
            @JsonProperty("remote_address") String remoteAddress,
            @JsonProperty("state") int state,
            @JsonProperty("ready_count") long readyCount,
            @JsonProperty("in_flight_count") long inFlightCount,
            @JsonProperty("message_count") long messageCount,
            @JsonProperty("finish_count") long finishCount,
            @JsonProperty("requeue_count") long requeueCount,
            @JsonProperty("connect_ts") long connectTs,
            @JsonProperty("sample_rate") int sampleRate,
            @JsonProperty("deflate") boolean deflate,
            @JsonProperty("snappy") boolean snappy,
            @JsonProperty("user_agent") String userAgent,
            @JsonProperty("authed") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean authed,
            @JsonProperty("auth_identity") @JsonInclude(JsonInclude.Include.NON_EMPTY) String authIdentity,
            @JsonProperty("auth_identity_url") @JsonInclude(JsonInclude.Include.NON_EMPTY) String authIdentityUrl,
            @JsonProperty("pub_counts") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PubCount> pubCounts,
            @JsonProperty("tls") boolean tls,
            @JsonProperty("tls_cipher_suite") String tlsCipherSuite,
            @JsonProperty("tls_version") String tlsVersion,
            @JsonProperty("tls_negotiated_protocol") String tlsNegotiatedProtocol,
            @JsonProperty("tls_negotiated_protocol_is_mutual") boolean tlsNegotiatedProtocolIsMutual) {}

    public record PubCount(@JsonProperty("topic") String topic, @JsonProperty("count") long count) {}

    /** {@code {"count":0,"percentiles":null}} when no percentiles are configured, as NSQ. */
    public record E2eLatency(
            @JsonProperty("count") long count,
            @JsonProperty("percentiles") List<Percentile> percentiles) {
        public static final E2eLatency NONE = new E2eLatency(0, null);
    }

    public record Percentile(@JsonProperty("quantile") double quantile, @JsonProperty("value") double value) {}

    /** Go's runtime figures, filled from the JVM's nearest equivalents. */
    public record MemoryStats(
            @JsonProperty("heap_objects") long heapObjects,
            @JsonProperty("heap_idle_bytes") long heapIdleBytes,
            @JsonProperty("heap_in_use_bytes") long heapInUseBytes,
            @JsonProperty("heap_released_bytes") long heapReleasedBytes,
            @JsonProperty("gc_pause_usec_100") long gcPauseUsec100,
            @JsonProperty("gc_pause_usec_99") long gcPauseUsec99,
            @JsonProperty("gc_pause_usec_95") long gcPauseUsec95,
            @JsonProperty("next_gc_bytes") long nextGcBytes,
            @JsonProperty("gc_total_runs") long gcTotalRuns) {}
}
