package dev.nsq.nsqd;

import dev.nsq.protocol.HostPort;

import dev.nsq.cluster.ClusterBootstrap;
import dev.nsq.daemon.DaemonMain;
import dev.nsq.nsqd.lookup.ChannelPrecreation;
import dev.nsq.nsqd.lookup.LookupLoop;
import dev.nsq.protocol.Names;
import dev.nsq.protocol.lookup.LookupPeerInfo;
import dev.nsq.protocol.lookup.TopicChannel;
import dev.nsq.protocol.Version;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The nsqd server: topics, clients, storage, the TCP V2 listener, the HTTP API and the queue
 * scanner. Usable without {@link Main}: tests build one from {@link NsqdOptions}, {@link #start()}
 * it on port 0 and read the real ports back.
 *
 * <p>Thread-safety: topics live in a concurrent map; creation and deletion of topics take this
 * object's monitor so that a topic is never created twice or resurrected half-deleted.
 */
public final class Nsqd implements DaemonMain.Daemon {
    private static final Logger log = LoggerFactory.getLogger(Nsqd.class);
    /**
     * Keys for sharing a random port between the listeners of one nsqd on its event loops:
     * Vert.x shares a port 0 only when asked with the same negative number.
     */
    private static final AtomicInteger SHARED_RANDOM_PORTS = new AtomicInteger();

    private final NsqdOptions options;
    private final boolean ownsVertx;
    private Vertx vertx;
    private final Map<String, Topic> topics = new ConcurrentSkipListMap<>();
    private final Map<Long, ClientV2> clients = new ConcurrentHashMap<>();
    private final AtomicLong clientIds = new AtomicLong();
    private final long startTime = System.currentTimeMillis() / 1000;
    private Storage storage;
    /** One TCP server per event loop (they share one port); see {@link Listener}. */
    private final List<NetServer> tcpServers = new CopyOnWriteArrayList<>();
    private HostPort tcpListen;
    private String listenerDeployment;
    private HttpApi httpApi;
    private Tls tls;
    private AuthClient authClient;
    private long scanTimer = -1;
    private QueueScanner scanner;
    private WorkerExecutor scanWorkers;
    private long syncTimer = -1;
    private StatsdLoop statsd;
    private volatile boolean exiting;
    private volatile LookupLoop lookup;
    private ChannelPrecreation precreation;
    /** Replicated topics (docs/replication.md); null unless clustered, and until started. */
    private volatile Replication replication;
    /** Null unless --max-attempts is set. */
    private final DeadLetters deadLetters;

    public Nsqd(NsqdOptions options) {
        this(null, options);
    }

    /** Runs on the given Vert.x instance (not closed by {@link #stop()}), or on its own when null. */
    public Nsqd(Vertx vertx, NsqdOptions options) {
        this.options = options;
        this.vertx = vertx;
        this.ownsVertx = vertx == null;
        this.deadLetters = options.maxAttempts <= 0 ? null
                : new DeadLetters(options.maxAttempts, (topic, bodies) -> publish(topic, bodies, 0));
    }

    /**
     * Locks and loads the data path, then listens; completes when both listeners are up. Joins
     * the clustered event bus first when cluster members are configured.
     */
    @Override
    public Future<Void> start() {
        if (vertx != null) return startOn();
        return ClusterBootstrap.start(options.cluster).compose(v -> {
            vertx = v;
            return startOn();
        });
    }

    private Future<Void> startOn() {
        // as NSQ's New(): a client-certificate policy implies TLS is required (validate() does
        // the same for flags; options built in code get it here)
        if (!options.tlsClientAuthPolicy.isEmpty() && options.tlsRequired == NsqdOptions.TlsRequired.FALSE)
            options.tlsRequired = NsqdOptions.TlsRequired.TRUE;
        try {
            tls = Tls.build(vertx, options);
        } catch (Exception e) {
            return Future.failedFuture(new IllegalStateException("failed to build TLS config - " + e.getMessage(), e));
        }
        if (tls == null && options.tlsRequired != NsqdOptions.TlsRequired.FALSE)
            return Future.failedFuture(new IllegalStateException("cannot require TLS client connections without TLS key and cert"));
        if (authRequired()) authClient = new AuthClient(vertx, options);
        storage = new Storage(vertx, options);
        try {
            storage.lock();
            loadMetadata();
        } catch (Exception e) {
            storage.close();
            return Future.failedFuture(e);
        }
        tcpListen = sharedPort(HostPort.parse(options.tcpAddress, 4150));
        httpApi = new HttpApi(this);
        return vertx.deployVerticle(() -> new Listener(this), new DeploymentOptions().setInstances(options.eventLoops))
                .map(id -> {
                    listenerDeployment = id;
                    log.info("TCP: listening on {}", tcpPort());
                    httpApi.logListening();
                    log.info("nsqd: serving connections on {} event loops", options.eventLoops);
                    scanWorkers = vertx.createSharedWorkerExecutor("nsqd-queue-scan-" + System.identityHashCode(this),
                            (int) Math.max(1, options.queueScanWorkerPoolMax));
                    scanner = new QueueScanner(this::allChannels, options,
                            task -> scanWorkers.executeBlocking(() -> { task.run(); return null; }, false));
                    scanTimer = vertx.setTimer(options.queueScanIntervalMs, t -> scanQueues());
                    syncTimer = vertx.setPeriodic(Math.max(1, options.syncTimeoutMs), t -> storage.syncAll());
                    precreation = new ChannelPrecreation(vertx, options.httpClientConnectTimeoutMs, options.httpClientRequestTimeoutMs);
                    if (!options.statsdAddress.isEmpty()) statsd = new StatsdLoop(this, vertx);
                    return (Void) null;
                })
                .compose(v -> Replication.start(this, vertx, selfAddress()))
                .map(r -> {
                    replication = r;
                    // lookupds hear of topics only once this node knows which replicated ones it leads
                    lookup = new LookupLoop(vertx, this::registrations, this::peerInfo, options.lookupPingIntervalMs);
                    lookup.setAddresses(options.lookupdTcpAddresses);
                    log.info("nsqd v{} started (node id {}, data path {})", Version.NSQ_VERSION, options.nodeId, storage.dataPath);
                    return null;
                });
    }

    /**
     * Runs on each {@link Listener}'s event loop: a TCP server there, and the HTTP API's. Every
     * instance listens on the same ports (a random port is shared through a negative key).
     */
    Future<Void> listenHere(Context loop) {
        NetServer tcp = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true));
        tcp.connectHandler(so -> accept((NetSocketInternal) so, loop));
        tcpServers.add(tcp);
        return tcp.listen(tcpListen.port(), tcpListen.host()).compose(s -> httpApi.listenHere()).mapEmpty();
    }

    private void accept(NetSocketInternal socket, Context loop) {
        ClientV2 c = new ClientV2(clientIds.incrementAndGet(), socket, loop, options);
        clients.put(c.id, c);
        c.protocol = new ProtocolV2(this, c);
        c.protocol.start();
    }

    /** Port 0 becomes a negative key, so all listeners of this nsqd share one random port. */
    static HostPort sharedPort(HostPort hp) {
        return hp.port() != 0 ? hp : new HostPort(hp.host(), -SHARED_RANDOM_PORTS.incrementAndGet());
    }

    /** What lookupds should know of us: every topic without channels, and every channel (of replicated topics, those led here). */
    private List<TopicChannel> registrations() {
        List<TopicChannel> out = new ArrayList<>();
        for (Topic t : topics.values()) {
            if (!registers(t.name)) continue;
            List<Channel> chans = t.channelsSnapshot();
            if (chans.isEmpty()) out.add(TopicChannel.topic(t.name));
            for (Channel c : chans) out.add(new TopicChannel(t.name, c.name));
        }
        return out;
    }

    private LookupPeerInfo peerInfo() {
        return new LookupPeerInfo(options.broadcastAddress, NsqdOptions.hostname(),
                options.broadcastTcpPort > 0 ? options.broadcastTcpPort : tcpPort(),
                options.broadcastHttpPort > 0 ? options.broadcastHttpPort : httpPort(), Version.NSQ_VERSION);
    }

    /** True when lookupds should know this topic from us: see {@link Replication#registers}. */
    private boolean registers(String topic) {
        Replication r = replication;
        return r == null || r.registers(topic);
    }

    /** A replicated topic now led here: the lookupds learn it and its channels. */
    void registerWithLookupds(Topic t) {
        LookupLoop l = lookup;
        if (l == null) return;
        l.topicAdded(t.name);
        for (Channel c : t.channelsSnapshot()) l.channelAdded(t.name, c.name);
    }

    /** A replicated topic no longer led here: the lookupds forget us for it, so consumers go to the leader. */
    void unregisterFromLookupds(Topic t) {
        LookupLoop l = lookup;
        if (l == null) return;
        for (Channel c : t.channelsSnapshot()) l.channelRemoved(t.name, c.name);
        l.topicRemoved(t.name);
    }

    /** How replicas name this nsqd: the address and TCP port lookupds give clients. */
    private String selfAddress() {
        LookupPeerInfo me = peerInfo();
        return me.broadcastAddress() + ":" + me.tcpPort();
    }

    /** Replicated topics; null when not clustered. */
    Replication replication() { return replication; }

    /** The lookup loop (null before start); PUT /config/nsqlookupd_tcp_addresses goes through it. */
    public LookupLoop lookup() { return lookup; }

    /**
     * Stops as NSQ does on SIGTERM: listeners and clients close, then every memory, in-flight and
     * deferred message is written to disk, the queues are synced and nsqd.dat is saved.
     */
    @Override
    public Future<Void> stop() {
        exiting = true;
        if (vertx == null) return Future.succeededFuture();
        if (replication != null) replication.close();
        if (scanTimer >= 0) vertx.cancelTimer(scanTimer);
        if (syncTimer >= 0) vertx.cancelTimer(syncTimer);
        if (lookup != null) lookup.close();
        if (statsd != null) statsd.close(vertx);
        if (precreation != null) precreation.close();
        List<Future<?>> closing = new ArrayList<>();
        for (NetServer s : tcpServers) closing.add(s.close());
        if (httpApi != null) closing.add(httpApi.close());
        if (authClient != null) closing.add(authClient.close());
        for (ClientV2 c : clients.values()) closing.add(c.socket.close());
        Future<Void> done = Future.join(closing).<Void>mapEmpty().otherwiseEmpty()
                .compose(v -> flushAll());
        if (listenerDeployment != null) done = done.compose(v -> vertx.undeploy(listenerDeployment).otherwiseEmpty());
        if (scanWorkers != null) done = done.compose(v -> scanWorkers.close().otherwiseEmpty());
        if (ownsVertx) done = done.eventually(() -> vertx.close());
        return done;
    }

    private Future<Void> flushAll() {
        if (storage == null) return Future.succeededFuture();
        List<Future<Void>> all = new ArrayList<>();
        all.add(storage.saveMetadata(this::metadataSnapshot));
        for (Topic t : topics.values()) all.add(t.flushAndClose());
        return Future.join(all).<Void>mapEmpty().andThen((v, e) -> {
            if (e != null) log.error("NSQ: failed to flush to disk", e);
            storage.close();
            log.info("NSQ: stopped; memory, in-flight and deferred messages written to {}", storage.dataPath);
        });
    }

    public int tcpPort() { return tcpServers.get(0).actualPort(); }

    public int httpPort() { return httpApi.port(); }

    /** The HTTPS port, or -1 when TLS is not configured. */
    public int httpsPort() { return httpApi.httpsPort(); }

    public NsqdOptions options() { return options; }

    Vertx vertx() { return vertx; }

    long startTime() { return startTime; }

    boolean isExiting() { return exiting; }

    /** The TLS configuration, or null when no certificate is configured. */
    Tls tls() { return tls; }

    /** Asks the auth servers; only when {@link #authRequired()}. */
    AuthClient authClient() { return authClient; }

    boolean authRequired() { return !options.authHttpAddresses.isEmpty(); }

    Health health() { return storage.health; }

    // ---- metadata ------------------------------------------------------------------------

    /** Topics, channels and paused flags from nsqd.dat; their disk queues open with them. */
    private void loadMetadata() {
        for (Metadata.TopicMeta tm : Metadata.load(storage.dataPath)) {
            if (!Names.isValid(tm.name()) || Names.isEphemeral(tm.name())) {
                log.warn("NSQ: skipping creation of invalid topic {}", tm.name());
                continue;
            }
            Topic t = getOrCreateTopic(tm.name());
            if (tm.paused()) t.pause();
            if (tm.channels() == null) continue;
            for (Metadata.ChannelMeta cm : tm.channels()) {
                if (!Names.isValid(cm.name()) || Names.isEphemeral(cm.name())) {
                    log.warn("NSQ: skipping creation of invalid channel {}", cm.name());
                    continue;
                }
                Channel c = t.getOrCreateChannel(cm.name());
                if (cm.paused()) c.pause();
            }
        }
        persistMetadata();
    }

    /** Saves nsqd.dat (asynchronously, in order) after a durable topic or channel changed. */
    void persistMetadata() {
        storage.saveMetadata(this::metadataSnapshot);
    }

    private List<Metadata.TopicMeta> metadataSnapshot() {
        List<Metadata.TopicMeta> out = new ArrayList<>();
        for (Topic t : topics.values()) {
            if (t.ephemeral || t.isDeleted()) continue;
            List<Metadata.ChannelMeta> chans = new ArrayList<>();
            for (Channel c : t.channelsSnapshot()) {
                if (!c.ephemeral) chans.add(new Metadata.ChannelMeta(c.name, c.isPaused()));
            }
            out.add(new Metadata.TopicMeta(t.name, t.isPaused(), chans.isEmpty() ? null : chans));
        }
        return out;
    }

    // ---- topics --------------------------------------------------------------------------

    Topic getOrCreateTopic(String name) {
        Topic t = topics.get(name);
        if (t != null) return t;
        synchronized (this) {
            t = topics.get(name);
            if (t != null) return t;
            t = new Topic(name, options, storage, this::newChannel);
            topics.put(name, t);
            if (lookup != null && lookup.hasLookupds() && !t.ephemeral && registers(name)) t.holdUntilStarted();
        }
        LookupLoop l = lookup;
        if (l != null && registers(name)) {
            l.topicAdded(name);
            if (l.hasLookupds() && !t.ephemeral) precreateChannels(t, l);
        }
        if (!t.ephemeral) persistMetadata();
        return t;
    }

    /** Creates the channels the lookupds know for a new topic, then lets the topic run. */
    private void precreateChannels(Topic t, LookupLoop l) {
        precreation.channels(t.name, l.lookupdHttpAddresses()).onComplete(ar -> {
            if (ar.succeeded()) for (String c : ar.result()) t.getOrCreateChannel(c);
            t.start();
        });
    }

    private Channel newChannel(Channel.Spec spec) {
        boolean eph = Names.isEphemeral(spec.channelName());
        Topic t = topics.get(spec.topicName());
        String queueName = spec.topicName() + ":" + spec.channelName();
        DiskBackend b = eph || t == null ? null : storage.openBackend(queueName, t::nextId);
        DeferredJournal j = b == null ? null : storage.openJournal(queueName, t::nextId);
        Channel c = new Channel(spec.topicName(), spec.channelName(), options, b, deadLetters, j);
        if (lookup != null && registers(spec.topicName())) lookup.channelAdded(spec.topicName(), spec.channelName());
        Replication r = replication;
        if (r != null && r.placement(spec.topicName()) != null) r.channelCreated(spec.topicName(), c);
        if (!eph) persistMetadata();
        return c;
    }

    Topic getTopic(String name) { return topics.get(name); }

    Collection<Topic> topics() { return topics.values(); }

    /** Deletes a topic with its channels and files and disconnects their clients; false if missing. */
    boolean deleteTopic(String name) {
        Topic t;
        synchronized (this) {
            t = topics.remove(name);
        }
        if (t == null) return false;
        forgetBackends(t);
        closeClients(t.delete());
        if (lookup != null) lookup.topicRemoved(name);
        if (!t.ephemeral) persistMetadata();
        return true;
    }

    /** Deletes a channel and disconnects its clients; an ephemeral topic goes with its last channel. */
    boolean deleteChannel(Topic t, String channelName) {
        Channel c = t.getChannel(channelName);
        List<Consumer> gone = t.deleteChannel(channelName);
        if (gone == null) return false;
        closeClients(gone);
        if (c != null) forgetBackends(c);
        if (lookup != null) lookup.channelRemoved(t.name, channelName);
        if (!Names.isEphemeral(channelName)) persistMetadata();
        if (t.ephemeral && t.channelCount() == 0) deleteTopicIfSame(t);
        return true;
    }

    private void deleteTopicIfSame(Topic t) {
        synchronized (this) {
            if (topics.get(t.name) != t) return;
            topics.remove(t.name);
        }
        forgetBackends(t);
        closeClients(t.delete());
        if (lookup != null) lookup.topicRemoved(t.name);
    }

    private void forgetBackends(Topic t) {
        if (t.backend() != null) storage.forget(t.backend());
        if (t.deferredJournal() != null) storage.forget(t.deferredJournal().backend());
        for (Channel c : t.channelsSnapshot()) forgetBackends(c);
    }

    private void forgetBackends(Channel c) {
        if (c.backend() != null) storage.forget(c.backend());
        if (c.deferredJournal() != null) storage.forget(c.deferredJournal().backend());
    }

    private static void closeClients(List<Consumer> list) {
        for (Consumer c : list) c.close();
    }

    // ---- publish / subscribe -------------------------------------------------------------

    /**
     * Publishes all bodies; the future completes when every message is in memory or on disk, and
     * fails (its message is the reason for E_PUB_FAILED) when exiting or a disk write failed.
     */
    Future<Void> publish(String topicName, List<byte[]> bodies, long deferMs) {
        if (exiting) return Future.failedFuture(new IllegalStateException("exiting"));
        Replication r = replication;
        if (r != null && !Names.isEphemeral(topicName)) {
            Future<Void> replicated = r.publish(topicName, bodies, deferMs);
            if (replicated != null) return replicated;
        }
        Topic t = getOrCreateTopic(topicName);
        List<Message> batch = new ArrayList<>(bodies.size());
        for (byte[] b : bodies) batch.add(t.newMessage(b, deferMs));
        return t.put(batch);
    }

    /**
     * Subscribes a client; null on success, else NSQ's reason for E_SUB_FAILED. Retried once if an
     * ephemeral topic or channel was deleted under it, as NSQ does ("to deleted topic/channel"
     * when that race is lost twice).
     */
    String subscribe(ClientV2 c, String topicName, String channelName) {
        Replication r = replication;
        if (r == null && options.cluster.enabled() && lookup == null) return "nsqd is still joining its cluster";
        String refused = r == null || Names.isEphemeral(topicName) ? null : r.subscribeRefusal(topicName);
        if (refused != null) return refused;
        for (int attempt = 0; attempt < 2; attempt++) {
            if (exiting) return "exiting";
            Topic t = getOrCreateTopic(topicName);
            Channel ch = t.getOrCreateChannel(channelName);
            if (ch == null || t.isDeleted()) continue;
            String err = ch.addClient(c);
            if ("exiting".equals(err)) continue; // deleted between lookup and add
            if (err != null) return err;
            c.topic = t;
            c.channel = ch;
            c.state = ClientV2.State.SUBSCRIBED;
            return null;
        }
        return "to deleted topic/channel";
    }

    /** A connection ended: its in-flight messages go back, ephemeral channels and topics may go. */
    void clientGone(ClientV2 c) {
        clients.remove(c.id);
        if (c.channel != null) unsubscribe(c.topic, c.channel, c);
    }

    /**
     * A consumer left its channel: its in-flight messages go back, and an ephemeral channel goes
     * with its last consumer (an ephemeral topic then with its last channel, see deleteChannel).
     * Takes any {@link Consumer}, so the rule is tested without a connection.
     */
    void unsubscribe(Topic t, Channel ch, Consumer c) {
        boolean empty = ch.removeClient(c);
        if (empty && ch.ephemeral && t.getChannel(ch.name) == ch) deleteChannel(t, ch.name);
    }

    Collection<ClientV2> clients() { return clients.values(); }

    // ---- queue scan ----------------------------------------------------------------------

    /** One queue-scan run (see {@link QueueScanner}), then the next after --queue-scan-interval. */
    private void scanQueues() {
        scanner.cycle(System.nanoTime()).onComplete((cycles, err) -> {
            if (err != null) log.error("NSQ: queue scan failed", err);
            if (!exiting) scanTimer = vertx.setTimer(options.queueScanIntervalMs, id -> scanQueues());
        });
    }

    private List<Channel> allChannels() {
        List<Channel> out = new ArrayList<>();
        for (Topic t : topics.values()) out.addAll(t.channelsSnapshot());
        return out;
    }
}
