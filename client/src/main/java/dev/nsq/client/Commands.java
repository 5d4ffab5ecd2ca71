package dev.nsq.client;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes client commands of protocol V2 ({@code NAME params\n} plus a sized body for IDENTIFY,
 * PUB, MPUB, DPUB) by appending to a caller's buffer, so a burst of commands is one socket write.
 */
final class Commands {
    private Commands() {}

    static void identify(Buffer out, byte[] json) {
        line(out, "IDENTIFY");
        out.appendInt(json.length).appendBytes(json);
    }

    static void auth(Buffer out, byte[] secret) {
        line(out, "AUTH");
        out.appendInt(secret.length).appendBytes(secret);
    }

    static void sub(Buffer out, String topic, String channel) { line(out, "SUB " + topic + " " + channel); }

    static void rdy(Buffer out, long count) { line(out, "RDY " + count); }

    // FIN is sent once per message: keep its verb bytes rather than encode them each time
    private static final byte[] FIN = "FIN ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REQ = "REQ ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOUCH = "TOUCH ".getBytes(StandardCharsets.US_ASCII);

    static void fin(Buffer out, byte[] id) { idLine(out, FIN, id, null); }

    static void req(Buffer out, byte[] id, long delayMs) { idLine(out, REQ, id, Long.toString(delayMs)); }

    static void touch(Buffer out, byte[] id) { idLine(out, TOUCH, id, null); }

    static void nop(Buffer out) { line(out, "NOP"); }

    static void cls(Buffer out) { line(out, "CLS"); }

    static void pub(Buffer out, String topic, byte[] body) {
        line(out, "PUB " + topic);
        out.appendInt(body.length).appendBytes(body);
    }

    static void dpub(Buffer out, String topic, long deferMs, byte[] body) {
        line(out, "DPUB " + topic + " " + deferMs);
        out.appendInt(body.length).appendBytes(body);
    }

    /** {@code MPUB topic\n[body size][count]([size][bytes])*}; body size counts the count field too. */
    static void mpub(Buffer out, String topic, List<byte[]> bodies) {
        line(out, "MPUB " + topic);
        long size = 4;
        for (byte[] b : bodies) size += 4 + b.length;
        if (size > Integer.MAX_VALUE) throw new IllegalArgumentException("MPUB body too big: " + size);
        out.appendInt((int) size).appendInt(bodies.size());
        for (byte[] b : bodies) out.appendInt(b.length).appendBytes(b);
    }

    private static void line(Buffer out, String text) {
        out.appendBytes(text.getBytes(StandardCharsets.UTF_8)).appendByte((byte) '\n');
    }

    private static void idLine(Buffer out, byte[] verb, byte[] id, String param) {
        out.appendBytes(verb).appendBytes(id);
        if (param != null) out.appendByte((byte) ' ').appendBytes(param.getBytes(StandardCharsets.US_ASCII));
        out.appendByte((byte) '\n');
    }
}
