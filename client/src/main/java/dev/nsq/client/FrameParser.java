package dev.nsq.client;

import io.vertx.core.buffer.Buffer;

/**
 * Splits nsqd's byte stream into frames {@code [size][type][data]}. Keeps the incomplete tail of a
 * read until the next one; a size below 4 or above the limit is a protocol error (the caller
 * closes the connection). Confined to the connection's event loop.
 */
final class FrameParser {
    interface Sink { void frame(int type, Buffer data); }

    private final Sink sink;
    private final int maxFrameSize;
    private Buffer pending;

    FrameParser(int maxFrameSize, Sink sink) {
        this.maxFrameSize = maxFrameSize;
        this.sink = sink;
    }

    /** Feeds bytes; throws IllegalStateException on a malformed size. */
    void feed(Buffer in) {
        Buffer buf;
        if (pending == null) {
            buf = in;
        } else {
            pending.appendBuffer(in);
            buf = pending;
        }
        int pos = 0;
        int len = buf.length();
        while (len - pos >= 4) {
            int size = buf.getInt(pos);
            if (size < 4 || size > maxFrameSize) {
                pending = null;
                throw new IllegalStateException("frame size: " + size + " (expected: 4.." + maxFrameSize + ")");
            }
            if (len - pos - 4 < size) break;
            int type = buf.getInt(pos + 4);
            sink.frame(type, buf.slice(pos + 8, pos + 4 + size));
            pos += 4 + size;
        }
        // copy the tail: the socket's buffer must not be appended to
        pending = pos == len ? null : buf.getBuffer(pos, len);
    }
}
