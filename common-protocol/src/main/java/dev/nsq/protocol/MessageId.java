package dev.nsq.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Message IDs: on the wire 16 lowercase hex characters, the big-endian hex of a 64-bit GUID. Inside
 * we keep the long, which is cheaper to hash and compare than 16 bytes.
 */
public final class MessageId {
    private MessageId() {}

    public static final int LENGTH = 16;
    /** Marks "not a valid ID": no GUID we generate is negative (the time part is positive). */
    public static final long INVALID = Long.MIN_VALUE;
    private static final byte[] HEX = "0123456789abcdef".getBytes();

    public static void write(ByteBuf out, long id) {
        for (int shift = 60; shift >= 0; shift -= 4) out.writeByte(HEX[(int) (id >>> shift) & 0xf]);
    }

    public static String toHex(long id) {
        char[] c = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) c[i] = (char) HEX[(int) (id >>> (60 - 4 * i)) & 0xf];
        return new String(c);
    }

    /**
     * Parses 16 lowercase hex characters; anything else is {@link #INVALID}, which no message in
     * flight can carry, so FIN/REQ/TOUCH of it answer "not in flight" as NSQ does for unknown IDs.
     */
    public static long parse(byte[] b, int off, int len) {
        if (len != LENGTH) return INVALID;
        long v = 0;
        for (int i = 0; i < LENGTH; i++) {
            int d = hexDigit(b[off + i]);
            if (d < 0) return INVALID;
            v = (v << 4) | d;
        }
        return v == INVALID ? INVALID + 1 : v; // keep the sentinel unique
    }

    /** As {@link #parse(byte[], int, int)}, straight from a buffer (FIN's ID, without a String). */
    public static long parse(ByteBuf b, int index, int len) {
        if (len != LENGTH) return INVALID;
        long v = 0;
        for (int i = 0; i < LENGTH; i++) {
            int d = hexDigit(b.getByte(index + i));
            if (d < 0) return INVALID;
            v = (v << 4) | d;
        }
        return v == INVALID ? INVALID + 1 : v;
    }

    /** A lowercase hex digit's value; -1 for anything else (NSQ's IDs are lowercase). */
    private static int hexDigit(int c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    }

    public static long parse(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return parse(b, 0, b.length);
    }
}
