package dev.nsq.nsqd;

import dev.nsq.protocol.FrameType;
import dev.nsq.protocol.Frames;
import dev.nsq.protocol.MessageLayout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.Context;
import io.vertx.core.internal.net.NetSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One TCP V2 connection: its negotiated settings, subscription, counters and output path.
 *
 * <p>Owned by its connection's event loop; the fields channels read from other threads (state,
 * RDY, in-flight count, sample rate, msg timeout) are volatile. Message frames are encoded by the
 * delivering channel into {@link #pending} under {@link #outLock} and written by one task on the
 * client's loop per burst, so a burst costs one buffer and one flush rather than one per message.
 */
final class ClientV2 {
    private static final Logger log = LoggerFactory.getLogger(ClientV2.class);

    enum State {
        INIT(0), SUBSCRIBED(3), CLOSING(4);
        final int code;
        State(int code) { this.code = code; }
    }

    final long id;
    final NetSocketInternal socket;
    final Context context;
    final String remoteAddress;
    final String remoteIp;
    final long connectTs = System.currentTimeMillis() / 1000;

    volatile State state = State.INIT;
    volatile int readyCount;
    /** Changed only under the lock of {@link #channel}. */
    volatile int inFlightCount;
    volatile long messageCount;
    volatile long finishCount;
    volatile long requeueCount;
    volatile long timeoutCount;

    // negotiated by IDENTIFY
    volatile String clientId;
    volatile String hostname;
    volatile String userAgent = "";
    volatile long heartbeatIntervalMs;
    volatile long outputBufferSize = 16 * 1024;
    volatile long outputBufferTimeoutMs;
    volatile long msgTimeoutMs;
    volatile int sampleRate;
    boolean identified;

    // upgrades negotiated by IDENTIFY (for /stats and the auth server's tls parameter)
    volatile boolean tls;
    volatile boolean snappy;
    volatile boolean deflate;
    volatile int deflateLevel;
    /** The TLS session once the handshake is done; null on a plain connection. */
    volatile javax.net.ssl.SSLSession tlsSession;

    /** What the auth server granted (null before AUTH); replaced when re-queried after its TTL. */
    volatile Authorizations auth;
    /** The AUTH secret, kept to re-query the auth server when the grant expires. */
    String authSecret;

    Topic topic;
    Channel channel;
    /** Messages published per topic, for the producers list of /stats. */
    final Map<String, Long> pubCounts = new ConcurrentHashMap<>();

    private final Object outLock = new Object();
    private ByteBuf pending;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    ClientV2(long id, NetSocketInternal socket, Context context, NsqdOptions options) {
        this.id = id;
        this.socket = socket;
        this.context = context;
        this.remoteAddress = socket.remoteAddress() == null ? "" : socket.remoteAddress().host() + ":" + socket.remoteAddress().port();
        String ip = socket.remoteAddress() == null ? "" : socket.remoteAddress().host();
        this.remoteIp = ip;
        this.clientId = ip;
        this.hostname = ip;
        this.heartbeatIntervalMs = options.clientTimeoutMs / 2;
        this.outputBufferTimeoutMs = options.outputBufferTimeoutMs;
        this.msgTimeoutMs = options.msgTimeoutMs;
    }

    /** RDY allows more and the client is subscribed: the channel may hand it a message. */
    boolean isReadyForMessages() {
        int rdy = readyCount;
        return state == State.SUBSCRIBED && rdy > 0 && inFlightCount < rdy && !closed.get();
    }

    /** Called by the channel, under its lock, from any thread. */
    void deliver(Message m, int attempts) {
        synchronized (outLock) {
            if (pending == null) pending = ByteBufAllocator.DEFAULT.directBuffer(Math.max(256, 34 + m.body.length));
            MessageLayout.writeFrame(pending, m.timestampNs, attempts, m.id, m.body);
        }
        if (flushScheduled.compareAndSet(false, true)) context.runOnContext(v -> flushPending());
    }

    private void flushPending() {
        flushScheduled.set(false);
        ByteBuf out;
        synchronized (outLock) {
            out = pending;
            pending = null;
        }
        if (out == null) return;
        if (closed.get()) {
            out.release();
            return;
        }
        socket.writeMessage(out);
    }

    /** A response or error frame, written now (flushed at the end of the current read). */
    void sendFrame(int frameType, byte[] data) {
        if (closed.get()) return;
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(8 + data.length);
        Frames.write(b, frameType, data);
        socket.writeMessage(b);
    }

    void sendResponse(byte[] data) { sendFrame(FrameType.RESPONSE, data); }

    void sendError(String text) { sendFrame(FrameType.ERROR, text.getBytes(StandardCharsets.UTF_8)); }

    boolean isClosed() { return closed.get(); }

    /** Marks closed; true only for the first caller, which then does the cleanup. */
    boolean markClosed() {
        if (!closed.compareAndSet(false, true)) return false;
        synchronized (outLock) {
            if (pending != null) {
                pending.release();
                pending = null;
            }
        }
        return true;
    }

    @Override
    public String toString() { return remoteAddress; }

    static void logClose(ClientV2 c, String why) {
        log.info("PROTOCOL(V2): [{}] exiting ioloop{}", c, why == null ? "" : " - " + why);
    }
}
