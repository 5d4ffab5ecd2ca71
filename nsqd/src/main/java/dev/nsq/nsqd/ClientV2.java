package dev.nsq.nsqd;

import dev.nsq.protocol.json.NsqdStats.ClientStats;
import io.vertx.core.Context;
import io.vertx.core.internal.net.NetSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP V2 connection as the rest of nsqd sees it: identity, protocol state, subscription and
 * grant, plus three parts with one owner each:
 * <ul>
 *   <li>{@link #settings}: what IDENTIFY negotiated, written on the connection's loop;</li>
 *   <li>{@link #counters}: delivery counts, written by its channel under the channel's lock;</li>
 *   <li>{@link #output}: frames out, from any thread, written on the connection's loop.</li>
 * </ul>
 * As a {@link Consumer} it is what its channel delivers to.
 *
 * <p>{@link #state} and {@link #readyCount} are written on the connection's loop and read by the
 * channel on any thread (volatile); {@link #topic} and {@link #channel} are confined to the loop.
 */
final class ClientV2 implements Consumer {
    private static final Logger log = LoggerFactory.getLogger(ClientV2.class);

    enum State {
        INIT(0), SUBSCRIBED(3), CLOSING(4);
        final int code;
        State(int code) { this.code = code; }
    }

    final long id;
    final NetSocketInternal socket;
    /** The event loop this connection lives on. */
    final Context context;
    final String remoteAddress;
    final String remoteIp;
    final long connectTs = System.currentTimeMillis() / 1000;
    final ClientSettings settings;
    final ClientCounters counters = new ClientCounters();
    final ClientOutput output;

    volatile State state = State.INIT;
    volatile int readyCount;

    /** What the auth server granted (null before AUTH); replaced when re-queried after its TTL. */
    volatile Authorizations auth;
    /** The AUTH secret, kept to re-query the auth server when the grant expires. */
    String authSecret;

    Topic topic;
    Channel channel;
    /** The command loop reading this connection (set once, at accept). */
    ProtocolV2 protocol;
    /** Messages published per topic, for the producers list of /stats (one counter per topic, no boxing per publish). */
    final Map<String, AtomicLong> pubCounts = new ConcurrentHashMap<>();

    ClientV2(long id, NetSocketInternal socket, Context context, NsqdOptions options) {
        this.id = id;
        this.socket = socket;
        this.context = context;
        this.remoteAddress = socket.remoteAddress() == null ? "" : socket.remoteAddress().host() + ":" + socket.remoteAddress().port();
        this.remoteIp = socket.remoteAddress() == null ? "" : socket.remoteAddress().host();
        this.settings = new ClientSettings(remoteIp, options);
        this.output = new ClientOutput(socket, context);
    }

    void published(String topicName, int count) {
        pubCounts.computeIfAbsent(topicName, k -> new AtomicLong()).addAndGet(count);
    }

    // ---- Consumer --------------------------------------------------------------------------

    @Override
    public int readyRoom() {
        if (state != State.SUBSCRIBED || output.isFull() || output.isClosed()) return 0;
        return Math.max(0, readyCount - counters.inFlight());
    }

    @Override
    public int sampleRate() { return settings.sampleRate; }

    @Override
    public long msgTimeoutMs() { return settings.msgTimeoutMs; }

    @Override
    public ClientCounters counters() { return counters; }

    @Override
    public void send(Message m) { output.message(m); }

    @Override
    public void close() { context.runOnContext(v -> socket.close()); }

    @Override
    public ClientStats stats(String topicFilter) { return StatsHandler.clientStats(this, topicFilter); }

    // ---- output ----------------------------------------------------------------------------

    void sendResponse(byte[] data) { output.response(data); }

    void sendError(String text) { output.error(text); }

    boolean isClosed() { return output.isClosed(); }

    /** Marks closed; true only for the first caller, which then does the cleanup. */
    boolean markClosed() { return output.markClosed(); }

    @Override
    public String toString() { return remoteAddress; }

    static void logClose(ClientV2 c, String why) {
        log.info("PROTOCOL(V2): [{}] exiting ioloop{}", c, why == null ? "" : " - " + why);
    }
}
