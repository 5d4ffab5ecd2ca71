package dev.nsq.protocol.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * One producer in nsqlookupd's {@code GET /nodes}: the peer, its topics, and per topic (same index)
 * whether the producer is tombstoned for it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LookupdNode(
        @JsonProperty("remote_address") String remoteAddress,
        @JsonProperty("hostname") String hostname,
        @JsonProperty("broadcast_address") String broadcastAddress,
        @JsonProperty("tcp_port") int tcpPort,
        @JsonProperty("http_port") int httpPort,
        @JsonProperty("version") String version,
        @JsonProperty("tombstones") List<Boolean> tombstones,
        @JsonProperty("topics") List<String> topics) {}
