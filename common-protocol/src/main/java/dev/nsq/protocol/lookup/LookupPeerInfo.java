package dev.nsq.protocol.lookup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What an nsqd tells nsqlookupd about itself: the IDENTIFY body of the lookup protocol V1
 * (and the node part of a cluster registration). Field names are NSQ's.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LookupPeerInfo(
        @JsonProperty("broadcast_address") String broadcastAddress,
        @JsonProperty("hostname") String hostname,
        @JsonProperty("tcp_port") int tcpPort,
        @JsonProperty("http_port") int httpPort,
        @JsonProperty("version") String version) {}
