package dev.nsq.client;

import dev.nsq.protocol.HostPort;
import dev.nsq.protocol.Names;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumes one topic/channel from every nsqd that has it, found directly or by polling nsqlookupd.
 * {@code max_in_flight} is spread as RDY over the connections and re-spread whenever one comes or
 * goes; with more connections than {@code max_in_flight}, RDY 1 rotates between them. A failed
 * message (handler threw, or requeued with backoff) sends every connection to RDY 0 for an
 * exponentially growing pause, after which one connection tests with RDY 1; each success steps back.
 * All state lives on one Vert.x event-loop context; the public methods are thread-safe.
 *
 * <p>Handlers: a {@link MessageHandler} runs on worker threads (blocking allowed), an
 * {@link AsyncMessageHandler} on the event loop (no blocking).
 */
public final class Consumer {
    private static final Logger log = LoggerFactory.getLogger(Consumer.class);

    /** Counters since the consumer started. */
    public record Stats(long received, long finished, long requeued, long gaveUp, int connections) {}

    /**
     * Called for a message delivered more than max_attempts times, before it is finished; on a
     * worker thread with a {@link MessageHandler}, on the event loop with an {@link AsyncMessageHandler}.
     */
    @FunctionalInterface
    public interface GiveUpHook {
        void gaveUp(Message message);
    }

    private final Vertx vertx;
    private final boolean ownVertx;
    private final Context context;
    private final String topic;
    private final String channel;
    private final ClientConfig cfg;
    private final NetClient net;
    private final HttpClient http;
    private final String tag;
    private final int maxBackoffLevel;
    private MessageHandler handler;
    private AsyncMessageHandler asyncHandler;
    private GiveUpHook giveUpHook = m -> log.warn("CONSUMER[{}]: message {} attempted {} times, giving up", tagOf(), m.id(), m.attempts());
    private ExecutorService workers;
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> fromWorkers = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean drainScheduled = new java.util.concurrent.atomic.AtomicBoolean();

    // event-loop state; the order of the map is the RDY rotation order
    private final LinkedHashMap<String, ConsumerConnection> conns = new LinkedHashMap<>();
    private final Set<String> connecting = new HashSet<>();
    private final List<String> lookupds = new ArrayList<>();
    private long lookupTimer = -1;
    private long rotateTimer = -1;
    private long backoffTimer = -1;
    private int backoffLevel;
    private boolean stopping;
    private CompletableFuture<Void> stopped;

    // views for other threads
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong requeued = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private volatile Map<String, Long> rdyView = Map.of();
    private volatile int backoffView;

    /** A consumer with its own Vert.x instance, closed when the consumer stops. */
    public Consumer(String topic, String channel, ClientConfig cfg) { this(null, topic, channel, cfg); }

    public Consumer(Vertx vertx, String topic, String channel, ClientConfig cfg) {
        if (!Names.isValid(topic)) throw new IllegalArgumentException("invalid topic name " + topic);
        if (!Names.isValid(channel)) throw new IllegalArgumentException("invalid channel name " + channel);
        if (cfg.maxInFlight < 0) throw new IllegalArgumentException("max_in_flight must be >= 0");
        this.ownVertx = vertx == null;
        this.vertx = vertx == null ? Vertx.vertx() : vertx;
        this.context = this.vertx.getOrCreateContext();
        this.topic = topic;
        this.channel = channel;
        this.cfg = cfg.copy();
        this.tag = topic + "/" + channel;
        this.net = this.vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) cfg.dialTimeoutMs)
                .setTcpNoDelay(true).setReadIdleTimeout((int) cfg.readTimeoutMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
        this.http = this.vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) cfg.dialTimeoutMs));
        int level = 1;
        while (level < 64 && RdyPlan.backoffMs(level, cfg.backoffMultiplierMs, cfg.maxBackoffDurationMs) < cfg.maxBackoffDurationMs) level++;
        this.maxBackoffLevel = level;
    }

    private String tagOf() { return tag; }

    /** Sets a blocking handler (worker threads). Call before connecting. */
    public Consumer handler(MessageHandler h) {
        this.handler = h;
        this.asyncHandler = null;
        return this;
    }

    /** Sets a non-blocking handler (event loop). Call before connecting. */
    public Consumer asyncHandler(AsyncMessageHandler h) {
        this.asyncHandler = h;
        this.handler = null;
        return this;
    }

    public Consumer onGiveUp(GiveUpHook hook) {
        this.giveUpHook = hook;
        return this;
    }

    public String topic() { return topic; }

    public String channel() { return channel; }

    public Stats stats() {
        return new Stats(received.get(), finished.get(), requeued.get(), gaveUp.get(), connectionCount.get());
    }

    /** RDY last sent to each connected nsqd ({@code host:port}). */
    public Map<String, Long> rdyCounts() { return rdyView; }

    /** 0 when not backing off. */
    public int backoffLevel() { return backoffView; }

    /** Changes max_in_flight and re-spreads RDY at once (as go-nsq's ChangeMaxInFlight). */
    public void changeMaxInFlight(int maxInFlight) {
        if (maxInFlight < 0) throw new IllegalArgumentException("max_in_flight must be >= 0");
        onContext(() -> {
            cfg.maxInFlight = maxInFlight;
            rebalance();
        });
    }

    /** Connects to one nsqd; completes when subscribed. Reconnects after {@link ClientConfig#reconnectDelayMs} if it drops. */
    public CompletableFuture<Void> connectToNsqd(String tcpAddress) {
        checkHandler();
        CompletableFuture<Void> f = new CompletableFuture<>();
        onContext(() -> connect(tcpAddress, true).onComplete(ar -> {
            if (ar.succeeded()) f.complete(null);
            else f.completeExceptionally(ar.cause());
        }));
        return f;
    }

    /** Adds an nsqlookupd HTTP address; completes after the first lookup. Polls every {@link ClientConfig#lookupdPollIntervalMs}. */
    public CompletableFuture<Void> connectToLookupd(String httpAddress) {
        checkHandler();
        CompletableFuture<Void> f = new CompletableFuture<>();
        onContext(() -> {
            if (!lookupds.contains(httpAddress)) lookupds.add(httpAddress);
            if (lookupTimer == -1) {
                long interval = Math.max(1, cfg.lookupdPollIntervalMs);
                long jitter = (long) (interval * Math.max(0, Math.min(1, cfg.lookupdPollJitter)) * Math.random());
                lookupTimer = vertx.setPeriodic(interval + jitter, interval, id -> queryLookupds());
            }
            queryOne(httpAddress).onComplete(ar -> f.complete(null));
        });
        return f;
    }

    private void checkHandler() {
        if (handler == null && asyncHandler == null) throw new IllegalStateException("set a handler before connecting");
        synchronized (this) {
            if (handler != null && workers == null) {
                AtomicInteger n = new AtomicInteger();
                workers = Executors.newFixedThreadPool(Math.max(1, cfg.handlerConcurrency), r -> {
                    Thread t = new Thread(r, "nsq-handler-" + topic + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
            }
        }
    }

    void onContext(Runnable r) {
        if (Vertx.currentContext() == context) {
            r.run();
            return;
        }
        // responses from worker threads: one event-loop task (and one write per connection) for a burst
        fromWorkers.add(r);
        if (drainScheduled.compareAndSet(false, true)) context.runOnContext(v -> drainFromWorkers());
    }

    private void drainFromWorkers() {
        drainScheduled.set(false);
        List<NsqConnection> batching = new ArrayList<>();
        for (ConsumerConnection cc : conns.values()) {
            if (cc.conn != null) {
                cc.conn.beginBatch();
                batching.add(cc.conn);
            }
        }
        try {
            Runnable r;
            while ((r = fromWorkers.poll()) != null) r.run();
        } finally {
            for (NsqConnection c : batching) c.endBatch();
        }
    }

    // ---- discovery and connections (event loop) ----

    private void queryLookupds() {
        for (String l : lookupds) queryOne(l);
    }

    private Future<Void> queryOne(String lookupd) {
        if (stopping) return Future.succeededFuture();
        return LookupdPoller.lookup(http, lookupd, topic).map(addrs -> {
            for (String a : addrs) connect(a, false);
            return (Void) null;
        }).onFailure(e -> log.warn("CONSUMER[{}]: failed to query nsqlookupd {} - {}", tag, lookupd, e.toString()));
    }

    private Future<Void> connect(String address, boolean direct) {
        if (stopping) return Future.failedFuture(new IllegalStateException("consumer stopping"));
        if (conns.containsKey(address) || !connecting.add(address)) return Future.succeededFuture();
        ConsumerConnection cc = new ConsumerConnection(this, address, direct);
        return NsqConnection.open(net, HostPort.parse(address, 4150), cfg, cc)
                .compose(c -> {
                    cc.conn = c;
                    Buffer sub = Buffer.buffer();
                    Commands.sub(sub, topic, channel);
                    return c.request(sub).map(ok -> c).onFailure(e -> c.close());
                })
                .<Void>map(c -> {
                    connecting.remove(address);
                    if (stopping || c.isClosed()) {
                        c.close();
                        if (stopping) checkStopped();
                        else if (direct) scheduleReconnect(address);
                        return null;
                    }
                    log.info("CONSUMER[{}]: connected to nsqd {}", tag, address);
                    conns.put(address, cc);
                    connectionCount.set(conns.size());
                    rebalance();
                    return null;
                })
                .onFailure(e -> {
                    connecting.remove(address);
                    log.warn("CONSUMER[{}]: failed to connect to nsqd {} - {}", tag, address, e.toString());
                    if (direct) scheduleReconnect(address);
                    if (stopping) checkStopped();
                });
    }

    private void scheduleReconnect(String address) {
        if (!stopping) vertx.setTimer(Math.max(1, cfg.reconnectDelayMs), id -> connect(address, true));
    }

    void onConnectionClosed(ConsumerConnection cc) {
        if (conns.get(cc.address) != cc) return;
        conns.remove(cc.address);
        connectionCount.set(conns.size());
        log.info("CONSUMER[{}]: connection to nsqd {} closed", tag, cc.address);
        if (stopping) {
            checkStopped();
            return;
        }
        if (cc.direct) scheduleReconnect(cc.address);
        rebalance();
    }

    // ---- RDY (event loop) ----

    private void rebalance() {
        if (stopping) return;
        if (backoffLevel > 0) {
            // new connections stay at 0 until the backoff timer lets one test
            for (ConsumerConnection cc : conns.values()) if (backoffTimer != -1) cc.sendRdy(0);
            publishRdyView();
            return;
        }
        List<ConsumerConnection> list = new ArrayList<>(conns.values());
        int n = list.size();
        if (cfg.maxInFlight >= n) {
            for (int i = 0; i < n; i++) list.get(i).sendRdy(RdyPlan.share(cfg.maxInFlight, n, i, list.get(i).maxRdyCount()));
        } else {
            // more nsqd than max_in_flight: RDY 1 for max_in_flight of them, rotated by a timer
            int holders = 0;
            for (ConsumerConnection cc : list) {
                if (cc.rdy > 0 && holders >= cfg.maxInFlight) cc.sendRdy(0);
                else if (cc.rdy > 0) { cc.sendRdy(1); holders++; }
            }
            for (ConsumerConnection cc : list) if (cc.rdy == 0 && holders < cfg.maxInFlight) { cc.sendRdy(1); holders++; }
            startRotation();
        }
        publishRdyView();
    }

    /**
     * Idle RDY holders give their RDY up and go to the back of the line. Runs when there are more
     * connections than max_in_flight, and while a backoff tests with RDY 1: an nsqd with nothing to
     * send must not keep the one test slot while another has messages waiting.
     */
    private void rotate() {
        if (stopping) return;
        boolean testing = backoffLevel > 0 && backoffTimer == -1;
        if (!testing && (backoffLevel > 0 || cfg.maxInFlight >= conns.size())) return;
        List<ConsumerConnection> idle = new ArrayList<>();
        for (ConsumerConnection cc : conns.values()) if (cc.rdy > 0 && cc.inFlight == 0) idle.add(cc);
        if (testing && idle.isEmpty()) return; // the test message is still being handled
        for (ConsumerConnection cc : idle) {
            cc.sendRdy(0);
            conns.remove(cc.address);
            conns.put(cc.address, cc);
        }
        if (testing) {
            conns.values().iterator().next().sendRdy(1);
            publishRdyView();
        } else {
            rebalance();
        }
    }

    private void startRotation() {
        if (rotateTimer == -1) rotateTimer = vertx.setPeriodic(Math.max(1, cfg.rdyRedistributeIntervalMs), id -> rotate());
    }

    private void publishRdyView() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (ConsumerConnection cc : conns.values()) m.put(cc.address, cc.rdy);
        rdyView = Map.copyOf(m);
        backoffView = backoffLevel;
    }

    // ---- messages (event loop) ----

    void onMessage(ConsumerConnection cc, Message m) {
        received.incrementAndGet();
        if (cfg.maxAttempts > 0 && m.attempts() > cfg.maxAttempts) {
            gaveUp.incrementAndGet();
            Runnable giveUp = () -> {
                try {
                    giveUpHook.gaveUp(m);
                } catch (Throwable t) {
                    log.error("CONSUMER[{}]: failed to run give-up hook", tag, t);
                }
                m.finish();
            };
            if (handler != null) workers.execute(giveUp);
            else giveUp.run();
            return;
        }
        if (handler != null) {
            MessageHandler h = handler;
            workers.execute(() -> {
                Throwable err = null;
                try {
                    h.handle(m);
                } catch (Throwable t) {
                    err = t;
                }
                autoRespond(m, err);
            });
            return;
        }
        CompletionStage<Void> stage;
        try {
            stage = asyncHandler.handle(m);
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        if (stage == null || (stage instanceof CompletableFuture<Void> cf && cf.isDone() && !cf.isCompletedExceptionally())) {
            autoRespond(m, null); // the common fast path: no callback to allocate
            return;
        }
        stage.whenComplete((v, err) -> autoRespond(m, err));
    }

    private void autoRespond(Message m, Throwable err) {
        if (m.isAutoResponseDisabled()) return;
        if (err == null) {
            m.finish();
        } else {
            log.debug("CONSUMER[{}]: handler failed for {} - {}", tag, m.id(), err.toString());
            m.requeue(RdyPlan.requeueDelayMs(m.attempts(), cfg.defaultRequeueDelayMs, cfg.maxRequeueDelayMs));
        }
    }

    /** FIN or REQ reached the event loop. */
    void responded(ConsumerConnection cc, Message m, boolean success, long delayMs, boolean backoff) {
        // RDY 0 must reach nsqd before the REQ, or a requeue without delay comes straight back
        if (!success && backoff) backoffSignal(false);
        Buffer b = Buffer.buffer(32);
        if (success) {
            Commands.fin(b, m.rawId());
            finished.incrementAndGet();
        } else {
            Commands.req(b, m.rawId(), Math.max(0, delayMs));
            requeued.incrementAndGet();
        }
        if (cc.conn != null) cc.conn.send(b);
        cc.inFlight--;
        if (success) backoffSignal(true);
        if (stopping) closeIfDrained(cc);
    }

    // ---- backoff (event loop) ----

    private void backoffSignal(boolean success) {
        if (stopping || backoffTimer != -1) return; // results during the pause do not count
        if (success) {
            if (backoffLevel == 0) return;
            backoffLevel--;
        } else if (backoffLevel < maxBackoffLevel) {
            backoffLevel++;
        }
        if (backoffLevel == 0) {
            log.info("CONSUMER[{}]: backoff complete, resuming RDY", tag);
            rebalance();
            return;
        }
        long pause = RdyPlan.backoffMs(backoffLevel, cfg.backoffMultiplierMs, cfg.maxBackoffDurationMs);
        log.info("CONSUMER[{}]: backing off for {}ms (level {})", tag, pause, backoffLevel);
        for (ConsumerConnection cc : conns.values()) cc.sendRdy(0);
        publishRdyView();
        backoffTimer = vertx.setTimer(Math.max(1, pause), id -> {
            backoffTimer = -1;
            if (stopping || conns.isEmpty()) return;
            // one connection tests the water; its next result decides
            ConsumerConnection first = conns.values().iterator().next();
            first.sendRdy(1);
            publishRdyView();
            if (conns.size() > 1) startRotation();
        });
    }

    // ---- stop (event loop) ----

    /**
     * Stops: no new connections, CLS to every nsqd (which sets RDY 0 and answers CLOSE_WAIT), waits
     * for messages in flight to be finished or requeued, then closes. Completes when all is closed
     * (or after {@link ClientConfig#stopTimeoutMs}).
     */
    public synchronized CompletableFuture<Void> stop() {
        if (stopped != null) return stopped;
        stopped = new CompletableFuture<>();
        onContext(() -> {
            stopping = true;
            for (long t : new long[]{lookupTimer, rotateTimer, backoffTimer}) if (t != -1) vertx.cancelTimer(t);
            vertx.setTimer(Math.max(1, cfg.stopTimeoutMs), id -> {
                for (ConsumerConnection cc : new ArrayList<>(conns.values())) cc.conn.close();
                checkStopped();
            });
            for (ConsumerConnection cc : new ArrayList<>(conns.values())) {
                Buffer cls = Buffer.buffer(4);
                Commands.cls(cls);
                cc.conn.request(cls).onComplete(ar -> {
                    cc.closeWait = true;
                    closeIfDrained(cc);
                });
            }
            checkStopped();
        });
        return stopped;
    }

    private void closeIfDrained(ConsumerConnection cc) {
        if (cc.closeWait && cc.inFlight <= 0) cc.conn.close();
    }

    private void checkStopped() {
        if (!conns.isEmpty() || !connecting.isEmpty() || stopped.isDone()) return;
        if (workers != null) workers.shutdown();
        net.close();
        http.close();
        log.info("CONSUMER[{}]: stopped", tag);
        if (ownVertx) vertx.close().onComplete(ar -> stopped.complete(null));
        else stopped.complete(null);
    }
}
