package dev.nsq.protocol.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One producer in nsqlookupd's {@code GET /lookup} ("producers"): an nsqd as it identified itself. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LookupdProducer(
        @JsonProperty("remote_address") String remoteAddress,
        @JsonProperty("hostname") String hostname,
        @JsonProperty("broadcast_address") String broadcastAddress,
        @JsonProperty("tcp_port") int tcpPort,
        @JsonProperty("http_port") int httpPort,
        @JsonProperty("version") String version) {}
