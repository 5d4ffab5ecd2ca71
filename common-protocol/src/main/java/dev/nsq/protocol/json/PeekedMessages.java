package dev.nsq.protocol.json;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * nsqd's {@code GET /topic/peek} and {@code GET /channel/peek} (ours): the next messages of a queue
 * in delivery order, left where they are. {@code body} is a byte array, so JSON carries it as base64.
 */
public record PeekedMessages(@JsonProperty("messages") List<Peeked> messages) {
    /** One message: its 16-hex-digit ID, deliveries so far, publish time (ns since the epoch), body. */
    public record Peeked(
            @JsonProperty("id") String id,
            @JsonProperty("attempts") int attempts,
            @JsonProperty("timestamp") long timestamp,
            @JsonProperty("body") byte[] body) {}
}
