package dev.nsq.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/** What nsqd answered to IDENTIFY with feature negotiation; {@link #PLAIN} when it said only {@code OK}. */
public record IdentifyResponse(long maxRdyCount, String version, long maxMsgTimeoutMs, long msgTimeoutMs,
                               boolean tlsV1, boolean deflate, boolean snappy, boolean authRequired,
                               long outputBufferSize, long outputBufferTimeoutMs) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** nsqd's default --max-rdy-count, assumed when nsqd did not negotiate. */
    public static final IdentifyResponse PLAIN = new IdentifyResponse(2500, "", 0, 0, false, false, false, false, 0, 0);

    static IdentifyResponse parse(byte[] data) throws IOException {
        if (data.length == 2 && data[0] == 'O' && data[1] == 'K') return PLAIN;
        JsonNode n = JSON.readTree(data);
        return new IdentifyResponse(n.path("max_rdy_count").asLong(2500), n.path("version").asText(""),
                n.path("max_msg_timeout").asLong(), n.path("msg_timeout").asLong(), n.path("tls_v1").asBoolean(),
                n.path("deflate").asBoolean(), n.path("snappy").asBoolean(), n.path("auth_required").asBoolean(),
                n.path("output_buffer_size").asLong(), n.path("output_buffer_timeout").asLong());
    }
}
