package dev.nsq.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The IDENTIFY body, decoded as Go's encoding/json decodes it into NSQ's struct: unknown keys are
 * ignored, a key of the wrong JSON type fails the whole decode (so {@code "heartbeat_interval":"1000"}
 * is "failed to decode JSON body", as in NSQ), and JSON null leaves the default.
 */
public final class IdentifyRequest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public String clientId;
    public String hostname;
    public String userAgent = "";
    public boolean featureNegotiation;
    public long heartbeatInterval;
    public long outputBufferSize;
    public long outputBufferTimeout;
    public boolean tlsV1;
    public boolean snappy;
    public boolean deflate;
    public long deflateLevel;
    public long sampleRate;
    public long msgTimeout;
    public String topologyRegion = "";
    public String topologyZone = "";

    /** Thrown when the body is not JSON or a field has the wrong type. */
    public static final class DecodeException extends Exception {
        DecodeException(String m) { super(m, null, false, false); }
    }

    public static IdentifyRequest decode(byte[] body) throws DecodeException {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new DecodeException("invalid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new DecodeException("not a JSON object");
        IdentifyRequest r = new IdentifyRequest();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) continue;
            // Go matches keys case-insensitively against the struct's json tags
            switch (e.getKey().toLowerCase()) {
                case "client_id" -> r.clientId = text(v);
                case "hostname" -> r.hostname = text(v);
                case "user_agent" -> r.userAgent = text(v);
                case "feature_negotiation" -> r.featureNegotiation = bool(v);
                case "heartbeat_interval" -> r.heartbeatInterval = integer(v, Long.MIN_VALUE, Long.MAX_VALUE);
                case "output_buffer_size" -> r.outputBufferSize = integer(v, Long.MIN_VALUE, Long.MAX_VALUE);
                case "output_buffer_timeout" -> r.outputBufferTimeout = integer(v, Long.MIN_VALUE, Long.MAX_VALUE);
                case "tls_v1" -> r.tlsV1 = bool(v);
                case "snappy" -> r.snappy = bool(v);
                case "deflate" -> r.deflate = bool(v);
                case "deflate_level" -> r.deflateLevel = integer(v, Long.MIN_VALUE, Long.MAX_VALUE);
                case "sample_rate" -> r.sampleRate = integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case "msg_timeout" -> r.msgTimeout = integer(v, Long.MIN_VALUE, Long.MAX_VALUE);
                case "topology_region" -> r.topologyRegion = text(v);
                case "topology_zone" -> r.topologyZone = text(v);
                default -> { }
            }
        }
        return r;
    }

    private static String text(JsonNode v) throws DecodeException {
        if (!v.isTextual()) throw new DecodeException("expected string");
        return v.textValue();
    }

    private static boolean bool(JsonNode v) throws DecodeException {
        if (!v.isBoolean()) throw new DecodeException("expected bool");
        return v.booleanValue();
    }

    private static long integer(JsonNode v, long min, long max) throws DecodeException {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw new DecodeException("expected integer");
        long x = v.longValue();
        if (x < min || x > max) throw new DecodeException("integer out of range");
        return x;
    }
}
