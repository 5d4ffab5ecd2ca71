package dev.nsq.nsqd;

import dev.nsq.protocol.IdentifyRequest;
import dev.nsq.protocol.Version;

import java.nio.charset.StandardCharsets;

/** IDENTIFY's validation and response, with NSQ's bounds, order of checks and texts. */
final class Identify {
    private Identify() {}

    /** Applies the request to the client; returns NSQ's error text (without the "IDENTIFY " prefix) or null. */
    static String apply(ClientSettings c, IdentifyRequest r, NsqdOptions o) {
        // validate everything first so a rejected IDENTIFY changes nothing
        long hb = c.heartbeatIntervalMs;
        if (r.heartbeatInterval == -1) hb = 0;
        else if (r.heartbeatInterval != 0) {
            if (r.heartbeatInterval < 1000 || r.heartbeatInterval > o.maxHeartbeatIntervalMs)
                return "heartbeat interval (" + r.heartbeatInterval + ") is invalid";
            hb = r.heartbeatInterval;
        }
        long obt = c.outputBufferTimeoutMs;
        if (r.outputBufferTimeout == -1) obt = 0;
        else if (r.outputBufferTimeout != 0) {
            if (r.outputBufferTimeout < o.minOutputBufferTimeoutMs || r.outputBufferTimeout > o.maxOutputBufferTimeoutMs)
                return "output buffer timeout (" + r.outputBufferTimeout + ") is invalid";
            obt = r.outputBufferTimeout;
        }
        long obs = c.outputBufferSize;
        if (r.outputBufferSize == -1) {
            obs = 1;
            obt = 0;
        } else if (r.outputBufferSize != 0) {
            if (r.outputBufferSize < 64 || r.outputBufferSize > o.maxOutputBufferSize)
                return "output buffer size (" + r.outputBufferSize + ") is invalid";
            obs = r.outputBufferSize;
        }
        if (r.sampleRate < 0 || r.sampleRate > 99) return "sample rate (" + r.sampleRate + ") is invalid";
        long mt = c.msgTimeoutMs;
        if (r.msgTimeout != 0) {
            if (r.msgTimeout < 1000 || r.msgTimeout > o.maxMsgTimeoutMs)
                return "msg timeout (" + r.msgTimeout + ") is invalid";
            mt = r.msgTimeout;
        }
        c.clientId = r.clientId == null ? "" : r.clientId;
        c.hostname = r.hostname == null ? "" : r.hostname;
        c.userAgent = r.userAgent;
        c.heartbeatIntervalMs = hb;
        c.outputBufferTimeoutMs = obt;
        c.outputBufferSize = obs;
        c.sampleRate = (int) r.sampleRate;
        c.msgTimeoutMs = mt;
        c.identified = true;
        return null;
    }

    /** What this IDENTIFY turns on: each upgrade needs both the client's ask and nsqd's offer. */
    record Features(boolean tls, boolean snappy, boolean deflate, int deflateLevel) {
        static Features negotiate(IdentifyRequest r, NsqdOptions o, boolean tlsOffered) {
            boolean deflate = o.deflate && r.deflate;
            return new Features(tlsOffered && r.tlsV1, o.snappy && r.snappy, deflate,
                    Compression.deflateLevel(deflate ? r.deflateLevel : 0, o.maxDeflateLevel));
        }
    }

    /** The feature-negotiation reply, keys in NSQ's order. */
    static byte[] response(ClientSettings c, Features f, NsqdOptions o, boolean authRequired) {
        String json = "{\"max_rdy_count\":" + o.maxRdyCount
                + ",\"version\":\"" + Version.NSQ_VERSION + "\""
                + ",\"max_msg_timeout\":" + o.maxMsgTimeoutMs
                + ",\"msg_timeout\":" + c.msgTimeoutMs
                + ",\"tls_v1\":" + f.tls()
                + ",\"deflate\":" + f.deflate()
                + ",\"deflate_level\":" + f.deflateLevel()
                + ",\"max_deflate_level\":" + o.maxDeflateLevel
                + ",\"snappy\":" + f.snappy()
                + ",\"sample_rate\":" + c.sampleRate
                + ",\"auth_required\":" + authRequired
                + ",\"output_buffer_size\":" + c.outputBufferSize
                + ",\"output_buffer_timeout\":" + c.outputBufferTimeoutMs
                + "}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
