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
    /** Set by the sink during a frame: the bytes after it are held, unparsed, until {@link #resume()}. */
    private boolean suspended;
    private Buffer held;

    FrameParser(int maxFrameSize, Sink sink) {
        this.maxFrameSize = maxFrameSize;
        this.sink = sink;
    }

    /**
     * Stops parsing after the frame being delivered: what follows it may be TLS or compressed bytes
     * (an IDENTIFY upgrade) that must go through a handler not yet in place.
     */
    void suspend() { suspended = true; }

    /** Parsing may go on; returns the bytes held meanwhile (null if none), which the caller re-feeds. */
    Buffer resume() {
        suspended = false;
        Buffer h = held;
        held = null;
        return h;
    }

    /** Feeds bytes; throws IllegalStateException on a malformed size. */
    void feed(Buffer in) {
        if (suspended) {
            hold(in, 0);
            return;
        }
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
            if (suspended) {
                hold(buf, pos);
                pending = null;
                return;
            }
        }
        // copy the tail: the socket's buffer must not be appended to
        pending = pos == len ? null : buf.getBuffer(pos, len);
    }

    private void hold(Buffer buf, int from) {
        if (from == buf.length()) return;
        if (held == null) held = Buffer.buffer();
        held.appendBuffer(buf, from, buf.length() - from);
    }
}
