package dev.nsq.nsqd;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The nsqd server: topics, clients, the TCP V2 listener, the HTTP API and the queue scanner. Usable
 * without {@link Main}: tests build one from {@link NsqdOptions}, {@link #start()} it on port 0 and
 * read the real ports back.
 *
 * <p>Thread-safety: topics live in a concurrent map; creation and deletion of topics take this
 * object's monitor so that a topic is never created twice or resurrected half-deleted.
 */
public final class Nsqd {
    private static final Logger log = LoggerFactory.getLogger(Nsqd.class);
    /** NSQ's QueueScanInterval: how often in-flight timeouts and deferred messages are checked. */
    static final long QUEUE_SCAN_INTERVAL_MS = 100;

    private final NsqdOptions options;
    private final boolean ownsVertx;
    private Vertx vertx;
    private final Map<String, Topic> topics = new ConcurrentSkipListMap<>();
    private final Map<Long, ClientV2> clients = new ConcurrentHashMap<>();
    private final AtomicLong clientIds = new AtomicLong();
    private final long startTime = System.currentTimeMillis() / 1000;
    private NetServer tcpServer;
    private HttpApi httpApi;
    private long scanTimer = -1;
    private volatile boolean exiting;

    public Nsqd(NsqdOptions options) {
        this(null, options);
    }

    /** Runs on the given Vert.x instance (not closed by {@link #stop()}), or on its own when null. */
    public Nsqd(Vertx vertx, NsqdOptions options) {
        this.options = options;
        this.vertx = vertx;
        this.ownsVertx = vertx == null;
    }

    public Future<Void> start() {
        if (vertx == null) vertx = Vertx.vertx();
        HostPort tcp = HostPort.parse(options.tcpAddress, 4150);
        tcpServer = vertx.createNetServer(new NetServerOptions().setHost(tcp.host()).setPort(tcp.port())
                .setTcpNoDelay(true).setReuseAddress(true));
        tcpServer.connectHandler(so -> {
            NetSocketInternal s = (NetSocketInternal) so;
            ClientV2 c = new ClientV2(clientIds.incrementAndGet(), s, vertx.getOrCreateContext(), options);
            clients.put(c.id, c);
            new ProtocolV2(this, c).start();
        });
        httpApi = new HttpApi(this);
        return tcpServer.listen()
                .compose(s -> {
                    log.info("TCP: listening on {}", s.actualPort());
                    return httpApi.listen();
                })
                .map(v -> {
                    scanTimer = vertx.setPeriodic(QUEUE_SCAN_INTERVAL_MS, id -> scanQueues());
                    log.info("nsqd v{} started (node id {})", dev.nsq.protocol.Version.NSQ_VERSION, options.nodeId);
                    return (Void) null;
                });
    }

    public Future<Void> stop() {
        exiting = true;
        if (vertx == null) return Future.succeededFuture();
        if (scanTimer >= 0) vertx.cancelTimer(scanTimer);
        List<Future<?>> closing = new ArrayList<>();
        if (tcpServer != null) closing.add(tcpServer.close());
        if (httpApi != null) closing.add(httpApi.close());
        for (ClientV2 c : clients.values()) closing.add(c.socket.close());
        Future<Void> all = Future.join(closing).mapEmpty();
        Future<Void> done = all.otherwiseEmpty();
        if (ownsVertx) done = done.compose(v -> vertx.close());
        return done;
    }

    public int tcpPort() { return tcpServer.actualPort(); }

    public int httpPort() { return httpApi.port(); }

    public NsqdOptions options() { return options; }

    Vertx vertx() { return vertx; }

    long startTime() { return startTime; }

    boolean isExiting() { return exiting; }

    boolean authRequired() { return !options.authHttpAddresses.isEmpty(); }

    // ---- topics --------------------------------------------------------------------------

    Topic getOrCreateTopic(String name) {
        Topic t = topics.get(name);
        if (t != null) return t;
        synchronized (this) {
            t = topics.get(name);
            if (t == null) {
                t = new Topic(name, options);
                topics.put(name, t);
            }
            return t;
        }
    }

    Topic getTopic(String name) { return topics.get(name); }

    Collection<Topic> topics() { return topics.values(); }

    /** Deletes a topic with its channels and disconnects their clients; false if it did not exist. */
    boolean deleteTopic(String name) {
        Topic t;
        synchronized (this) {
            t = topics.remove(name);
        }
        if (t == null) return false;
        closeClients(t.delete());
        return true;
    }

    /** Deletes a channel and disconnects its clients; an ephemeral topic goes with its last channel. */
    boolean deleteChannel(Topic t, String channelName) {
        List<ClientV2> gone = t.deleteChannel(channelName);
        if (gone == null) return false;
        closeClients(gone);
        if (t.ephemeral && t.channelCount() == 0) deleteTopicIfSame(t);
        return true;
    }

    private void deleteTopicIfSame(Topic t) {
        synchronized (this) {
            if (topics.get(t.name) != t) return;
            topics.remove(t.name);
        }
        closeClients(t.delete());
    }

    private static void closeClients(List<ClientV2> list) {
        for (ClientV2 c : list) c.context.runOnContext(v -> c.socket.close());
    }

    // ---- publish / subscribe -------------------------------------------------------------

    private static final String QUEUE_FULL = "mem queue full";

    /** Publishes all bodies or none; false when they do not fit (see {@link #publishFailureReason()}). */
    boolean publish(String topicName, List<byte[]> bodies, long deferMs) {
        if (exiting) return false;
        Topic t = getOrCreateTopic(topicName);
        List<Message> batch = new ArrayList<>(bodies.size());
        for (byte[] b : bodies) batch.add(t.newMessage(b, deferMs));
        return t.put(batch);
    }

    String publishFailureReason() { return exiting ? "exiting" : QUEUE_FULL; }

    /**
     * Subscribes a client; retried once if an ephemeral topic or channel was deleted under it, as
     * NSQ does. Returns null when that race is lost twice.
     */
    Channel subscribe(ClientV2 c, String topicName, String channelName) {
        for (int attempt = 0; attempt < 2; attempt++) {
            Topic t = getOrCreateTopic(topicName);
            Channel ch = t.getOrCreateChannel(channelName);
            if (ch == null || ch.isDeleted() || t.isDeleted()) continue;
            ch.addClient(c);
            c.topic = t;
            c.channel = ch;
            c.state = ClientV2.State.SUBSCRIBED;
            return ch;
        }
        return null;
    }

    /** A connection ended: its in-flight messages go back, ephemeral channels and topics may go. */
    void clientGone(ClientV2 c) {
        clients.remove(c.id);
        Channel ch = c.channel;
        if (ch == null) return;
        boolean empty = ch.removeClient(c);
        if (empty && ch.ephemeral) {
            Topic t = c.topic;
            if (t.getChannel(ch.name) == ch) deleteChannel(t, ch.name);
        }
    }

    Collection<ClientV2> clients() { return clients.values(); }

    // ---- queue scan ----------------------------------------------------------------------

    /** Requeues timed-out in-flight messages and releases due deferred ones, on every channel. */
    private void scanQueues() {
        long now = System.nanoTime();
        for (Topic t : topics.values()) {
            for (Channel ch : t.channelsSnapshot()) ch.processTimeouts(now);
        }
    }
}
