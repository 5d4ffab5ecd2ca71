package dev.nsq.protocol.json;

import com.fasterxml.jackson.annotation.JsonProperty;

/** nsqd's {@code GET /info}; durations in nanoseconds as Go marshals time.Duration. */
public record NsqdInfo(
        @JsonProperty("version") String version,
        @JsonProperty("broadcast_address") String broadcastAddress,
        @JsonProperty("hostname") String hostname,
        @JsonProperty("http_port") int httpPort,
        @JsonProperty("tcp_port") int tcpPort,
        @JsonProperty("start_time") long startTime,
        @JsonProperty("max_heartbeat_interval") long maxHeartbeatIntervalNs,
        @JsonProperty("max_output_buffer_size") long maxOutputBufferSize,
        @JsonProperty("max_output_buffer_timeout") long maxOutputBufferTimeoutNs,
        @JsonProperty("max_deflate_level") long maxDeflateLevel) {}
