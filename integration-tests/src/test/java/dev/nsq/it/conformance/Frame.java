package dev.nsq.it.conformance;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One received frame. {@code kind} is response, error, message, unknown(N) for nsqd (V2) frames,
 * or v1 for lookupd frames, which carry no type.
 */
record Frame(String kind, byte[] data) {
    /** A message is [8-byte ts][2-byte attempts][16-byte id][body]. */
    static final int MESSAGE_HEADER = 26;
    static final byte[] HEARTBEAT = ByteExpr.utf8("_heartbeat_");

    static Frame v2(int type, byte[] data) {
        String kind = switch (type) {
            case 0 -> "response";
            case 1 -> "error";
            case 2 -> "message";
            default -> "unknown(" + type + ")";
        };
        return new Frame(kind, data);
    }

    boolean isMessage() {
        return kind.equals("message");
    }

    /** Whether this message frame is long enough to hold a header. */
    boolean isWholeMessage() {
        return isMessage() && data.length >= MESSAGE_HEADER;
    }

    long timestampNanos() {
        return ByteBuffer.wrap(data).getLong(0);
    }

    int attempts() {
        return Short.toUnsignedInt(ByteBuffer.wrap(data).getShort(8));
    }

    byte[] id() {
        return Arrays.copyOfRange(data, 10, MESSAGE_HEADER);
    }

    byte[] body() {
        return Arrays.copyOfRange(data, MESSAGE_HEADER, data.length);
    }

    boolean isHeartbeat() {
        return (kind.equals("response") || kind.equals("v1")) && Arrays.equals(data, HEARTBEAT);
    }

    String describe() {
        if (isMessage()) {
            return isWholeMessage()
                    ? "message(attempts=" + attempts() + ", id=" + Show.bytes(id()) + ", body=" + Show.bytes(body()) + ")"
                    : "short message frame " + Show.bytes(data);
        }
        return kind.equals("v1") ? "frame " + Show.bytes(data) : kind + " frame " + Show.bytes(data);
    }
}
