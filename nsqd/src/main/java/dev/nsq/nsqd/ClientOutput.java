package dev.nsq.nsqd;

import dev.nsq.protocol.FrameType;
import dev.nsq.protocol.Frames;
import dev.nsq.protocol.MessageLayout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.Context;
import io.vertx.core.internal.net.NetSocketInternal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection's way out: responses and errors written on its own event loop, message frames
 * encoded by delivering channels on any thread into one pending buffer that one task on the
 * connection's loop writes per burst (one buffer and one flush per burst, not per message).
 *
 * <p>Frames go straight to the connection's Netty pipeline (through TLS and compression when
 * negotiated), so Netty's outbound buffer is the one queue, and its high-water mark the one
 * bound: past it the output is {@link #isFull() full} until Netty reports the channel writable
 * again. A full output stops both the connection's reads (its replies back up, as NSQ's blocking
 * writes stop it) and deliveries to it (see {@link Consumer#readyRoom()}). Responses written
 * while a read is being handled are flushed once at its end ({@link #startBatch()}).
 */
final class ClientOutput {
    private final ChannelHandlerContext chctx;
    private final Context context;
    /** A read is being handled: responses wait for one flush at its end. Loop-confined. */
    private boolean batching;
    private boolean unflushed;
    private final Object lock = new Object();
    /** Frames encoded by channels, not yet written; guarded by {@link #lock}. */
    private ByteBuf pending;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean full;

    ClientOutput(NetSocketInternal socket, Context context) {
        this.chctx = socket.channelHandlerContext();
        this.context = context;
    }

    /** Calls {@code onDrained} on the connection's loop each time a full output can take more. */
    void onDrained(Runnable onDrained) {
        chctx.pipeline().addBefore(chctx.name(), "nsqd-output", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable() && full) {
                    full = false;
                    onDrained.run();
                }
                ctx.fireChannelWritabilityChanged();
            }
        });
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
        write(out, true);
    }

    /** A response or error frame, on the connection's loop (flushed at the end of the current read). */
    void frame(int frameType, byte[] data) {
        if (closed.get()) return;
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(8 + data.length);
        Frames.write(b, frameType, data);
        write(b, !batching);
        if (batching) unflushed = true;
    }

    void response(byte[] data) { frame(FrameType.RESPONSE, data); }

    void error(String text) { frame(FrameType.ERROR, text.getBytes(StandardCharsets.UTF_8)); }

    /** On the connection's loop. */
    private void write(ByteBuf b, boolean flush) {
        if (flush) chctx.writeAndFlush(b, chctx.voidPromise());
        else chctx.write(b, chctx.voidPromise());
        if (!chctx.channel().isWritable()) full = true;
    }

    /** Responses from here on wait for {@link #endBatch()} (a read is being handled). */
    void startBatch() { batching = true; }

    /** Flushes what the batch wrote, with one system call. */
    void endBatch() {
        batching = false;
        if (unflushed) {
            unflushed = false;
            chctx.flush();
        }
    }

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
