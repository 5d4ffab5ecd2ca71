package dev.nsq.nsqd;

import dev.nsq.protocol.FrameType;
import dev.nsq.protocol.Frames;
import dev.nsq.protocol.MessageLayout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.Context;
import io.vertx.core.internal.net.NetSocketInternal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection's way out: responses and errors written on its own event loop, message frames
 * encoded by delivering channels on any thread into one pending buffer that one task on the
 * connection's loop writes per burst (one buffer and one flush per burst, not per message).
 *
 * <p>It also tracks whether the peer keeps up: once the socket's write queue is over its bound
 * (Netty's high-water mark) it is {@link #isFull() full} until the socket drains. A full output
 * stops both the connection's reads (its replies back up, as NSQ's blocking writes stop it) and
 * deliveries to it (see {@link Consumer#readyRoom()}).
 */
final class ClientOutput {
    private final NetSocketInternal socket;
    private final Context context;
    private final Object lock = new Object();
    /** Frames encoded by channels, not yet written; guarded by {@link #lock}. */
    private ByteBuf pending;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean full;

    ClientOutput(NetSocketInternal socket, Context context) {
        this.socket = socket;
        this.context = context;
    }

    /** A message frame, from any thread (the delivering channel holds its lock). */
    void message(Message m) {
        synchronized (lock) {
            if (pending == null) pending = ByteBufAllocator.DEFAULT.directBuffer(Math.max(256, 34 + m.body.length));
            MessageLayout.writeFrame(pending, m.timestampNs, m.attempts, m.id, m.body);
        }
        if (flushScheduled.compareAndSet(false, true)) context.runOnContext(v -> flushPending());
    }

    private void flushPending() {
        flushScheduled.set(false);
        ByteBuf out;
        synchronized (lock) {
            out = pending;
            pending = null;
        }
        if (out == null) return;
        if (closed.get()) {
            out.release();
            return;
        }
        write(out);
    }

    /** A response or error frame, on the connection's loop (flushed at the end of the current read). */
    void frame(int frameType, byte[] data) {
        if (closed.get()) return;
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(8 + data.length);
        Frames.write(b, frameType, data);
        write(b);
    }

    void response(byte[] data) { frame(FrameType.RESPONSE, data); }

    void error(String text) { frame(FrameType.ERROR, text.getBytes(StandardCharsets.UTF_8)); }

    private void write(ByteBuf b) {
        socket.writeMessage(b);
        if (socket.writeQueueFull()) full = true;
    }

    /** The socket drained below its low-water mark (on the connection's loop). */
    void drained() { full = false; }

    /** The peer has not read what it was sent: nothing more should be read from it or sent to it. */
    boolean isFull() { return full; }

    boolean isClosed() { return closed.get(); }

    /** Marks closed and frees what was pending; true only for the first caller. */
    boolean markClosed() {
        if (!closed.compareAndSet(false, true)) return false;
        synchronized (lock) {
            if (pending != null) {
                pending.release();
                pending = null;
            }
        }
        return true;
    }
}
