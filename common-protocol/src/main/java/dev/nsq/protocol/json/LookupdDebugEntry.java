package dev.nsq.protocol.json;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One producer under a {@code "category:key:subkey"} key of nsqlookupd's {@code GET /debug}; times in ns. */
public record LookupdDebugEntry(
        @JsonProperty("id") String id,
        @JsonProperty("hostname") String hostname,
        @JsonProperty("broadcast_address") String broadcastAddress,
        @JsonProperty("tcp_port") int tcpPort,
        @JsonProperty("http_port") int httpPort,
        @JsonProperty("version") String version,
        @JsonProperty("last_update") long lastUpdateNs,
        @JsonProperty("tombstoned") boolean tombstoned,
        @JsonProperty("tombstoned_at") long tombstonedAtNs) {}
