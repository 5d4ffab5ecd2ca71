package dev.nsq.client;

import dev.nsq.protocol.HostPort;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes to one nsqd over one connection. Commands are pipelined: up to
 * {@link ClientConfig#publishWindow} wait for their reply at once, later ones queue until a reply
 * frees a slot. nsqd answers in order, so each reply completes the oldest command's future.
 * The connection is opened on first use and reopened by the next publish after it closed; closing
 * fails only the commands in its window (with {@link ConnectionClosedException}), which the caller
 * may retry. State lives on one event-loop context; the public methods are thread-safe.
 */
public final class Producer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Producer.class);

    /** A publish waiting to be written: its encoded command and the caller's future. */
    private record Pending(Buffer command, CompletableFuture<Void> result) {}

    private final Vertx vertx;
    private final boolean ownVertx;
    private final Context context;
    private final HostPort address;
    private final ClientConfig cfg;
    private final NetClient net;
    private final ConcurrentLinkedQueue<Pending> submitted = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    // event-loop state
    private final ArrayDeque<Pending> queued = new ArrayDeque<>();
    private NsqConnection conn;
    private boolean connecting;
    private boolean stopped;
    private volatile int inWindow;
    private CompletableFuture<Void> stopFuture;

    /** A producer with its own Vert.x instance, closed with the producer. */
    public Producer(String nsqdTcpAddress, ClientConfig cfg) { this(null, nsqdTcpAddress, cfg); }

    public Producer(Vertx vertx, String nsqdTcpAddress, ClientConfig cfg) {
        this.ownVertx = vertx == null;
        this.vertx = vertx == null ? Vertx.vertx() : vertx;
        this.context = this.vertx.getOrCreateContext();
        this.address = HostPort.parse(nsqdTcpAddress, 4150);
        this.cfg = cfg.copy();
        if (this.cfg.publishWindow < 1) throw new IllegalArgumentException("publish_window must be >= 1");
        this.net = this.vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) cfg.dialTimeoutMs)
                .setTcpNoDelay(true).setReadIdleTimeout((int) cfg.readTimeoutMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    }

    public String address() { return address.host() + ":" + address.port(); }

    public CompletableFuture<Void> publish(String topic, byte[] body) {
        Buffer b = Buffer.buffer(topic.length() + body.length + 10);
        Commands.pub(b, topic, body);
        return submit(b);
    }

    public CompletableFuture<Void> multiPublish(String topic, List<byte[]> bodies) {
        if (bodies.isEmpty()) return CompletableFuture.failedFuture(new IllegalArgumentException("MPUB needs at least one message"));
        int size = topic.length() + 16;
        for (byte[] body : bodies) size += 4 + body.length;
        Buffer b = Buffer.buffer(size);
        Commands.mpub(b, topic, bodies);
        return submit(b);
    }

    public CompletableFuture<Void> deferredPublish(String topic, long deferMs, byte[] body) {
        Buffer b = Buffer.buffer(topic.length() + body.length + 20);
        Commands.dpub(b, topic, deferMs, body);
        return submit(b);
    }

    /** Commands written and not yet answered (at most the window). */
    public int inWindow() { return inWindow; }

    private CompletableFuture<Void> submit(Buffer command) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        submitted.add(new Pending(command, f));
        // on our own event loop (a publish from a reply's callback) the command goes out now, not a task later
        if (Vertx.currentContext() == context) drain();
        else if (drainScheduled.compareAndSet(false, true)) context.runOnContext(v -> drain());
        return f;
    }

    /** On the event loop: move submissions into the queue, connect if needed, fill the window. */
    private void drain() {
        drainScheduled.set(false);
        Pending p;
        while ((p = submitted.poll()) != null) {
            if (stopped) p.result.completeExceptionally(new IllegalStateException("producer stopped"));
            else queued.add(p);
        }
        if (queued.isEmpty()) return;
        if (conn == null || conn.isClosed()) {
            connect();
            return;
        }
        int room = cfg.publishWindow - conn.awaitingCount();
        if (room <= 0) return;
        int n = Math.min(room, queued.size());
        // one command is written as it is; several are gathered into one write
        Buffer batch = n == 1 ? null : Buffer.buffer();
        @SuppressWarnings("unchecked")
        Promise<Buffer>[] replies = new Promise[n];
        for (int i = 0; i < n; i++) {
            Pending next = queued.poll();
            if (batch == null) batch = next.command;
            else batch.appendBuffer(next.command);
            Promise<Buffer> reply = Promise.promise();
            reply.future().onComplete(ar -> {
                if (ar.succeeded()) next.result.complete(null);
                else next.result.completeExceptionally(ar.cause());
                inWindow = conn == null ? 0 : conn.awaitingCount();
                if (!queued.isEmpty()) drain();
            });
            replies[i] = reply;
        }
        conn.requestAll(batch, replies, n);
        inWindow = conn.awaitingCount();
    }

    private void connect() {
        if (connecting) return;
        connecting = true;
        NsqConnection.open(net, address, cfg, new NsqConnection.Listener() {
            @Override
            public void onClose(NsqConnection c) {
                if (stopped) log.debug("PRODUCER({}): connection closed", address());
                else log.info("PRODUCER({}): connection closed", address());
                if (conn == c) conn = null;
                inWindow = 0;
            }
        }).onComplete(ar -> {
            connecting = false;
            if (ar.succeeded()) {
                conn = ar.result();
                if (stopped) {
                    conn.close();
                    return;
                }
                log.debug("PRODUCER({}): connected", address());
                drain();
            } else {
                // the caller decides whether to retry; reconnecting in a loop here would hide a dead nsqd
                log.warn("PRODUCER({}): failed to connect - {}", address(), ar.cause().toString());
                // nsqd refusing us (IDENTIFY or AUTH) is reported as its error; anything else as a connection failure
                Throwable failure = ar.cause() instanceof dev.nsq.protocol.NsqError ? ar.cause()
                        : new ConnectionClosedException("failed to connect to " + address(), ar.cause());
                Pending p;
                while ((p = queued.poll()) != null) p.result.completeExceptionally(failure);
            }
        });
    }

    /** Stops accepting publishes, waits for the window to drain, then closes. Idempotent. */
    public synchronized CompletableFuture<Void> stop() {
        if (stopFuture != null) return stopFuture;
        CompletableFuture<Void> done = new CompletableFuture<>();
        stopFuture = done;
        context.runOnContext(v -> {
            drain();
            stopped = true;
            awaitDrainThenClose(done);
        });
        return done;
    }

    private void awaitDrainThenClose(CompletableFuture<Void> done) {
        if (queued.isEmpty() && (conn == null || conn.awaitingCount() == 0 || conn.isClosed())) {
            if (conn != null) conn.close();
            net.close();
            if (ownVertx) vertx.close().onComplete(ar -> done.complete(null));
            else done.complete(null);
            return;
        }
        if (conn == null && !connecting) {
            // nothing can make progress any more
            Pending p;
            while ((p = queued.poll()) != null) p.result.completeExceptionally(new IllegalStateException("producer stopped"));
        }
        vertx.setTimer(5, id -> awaitDrainThenClose(done));
    }

    /** Blocking {@link #stop()}; on an event loop use {@code stop()} instead, as waiting there would deadlock. */
    @Override
    public void close() {
        if (io.vertx.core.Context.isOnEventLoopThread())
            throw new IllegalStateException("close() blocks: call stop() from an event loop");
        stop().join();
    }
}
