package dev.nsq.nsqd;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Supplier;

/**
 * A leader's stream to one follower of one topic. Ops queue here in the leader's order and go out
 * in requests of everything queued so far (up to 1 MiB), with up to {@value #MAX_IN_FLIGHT}
 * requests on the wire: under load the stream batches itself, as a group commit does, and a
 * publish waits about one round trip, not one per request ahead of it. Requests go over one TCP
 * connection to the follower's {@link ReplicaServer}, which applies them and answers in order; the follower is acknowledged
 * up to the last request answered with all before it. Requests that fail are sent again, in order,
 * once every request on the wire has its answer: the follower stays in sync only if it answers
 * within --replication-timeout.
 *
 * <p>Thread-safety: every method takes this object's monitor (a leaf: under it, writes are only
 * queued to the socket's context, in order).
 */
final class FollowerLink {
    static final int MAX_IN_FLIGHT = 4;
    private static final int MAX_REQUEST = 1 << 20;
    private static final long RETRY_MS = 250;

    enum State {
        /** Caught up or catching up by the stream: ops are sent as they come. */
        STREAMING,
        /** A catch-up snapshot is being taken: ops wait behind it. */
        SNAPSHOT,
        /** Out of the in-sync set and not being caught up: nothing is queued. */
        DOWN
    }

    /** What the link tells its stream. */
    interface Events {
        void acked(FollowerLink link);

        /** The follower knows a newer epoch: this leader is stale and must step down. */
        void stale(FollowerLink link, String why);
    }

    private record Op(long seq, Buffer bytes) {}

    /** A request on the wire: sent, answered, or failed and waiting to be sent again. */
    private static final class Request {
        final long lastSeq;
        /** The request header, then the ops as they were queued: written one after the other, never copied into one buffer. */
        final List<Buffer> parts;
        final int length;
        boolean done;
        boolean failed;
        /** When it was written to the connection (0: not yet). */
        long writtenNs;
        /** Part of a catch-up snapshot. */
        boolean snapshotPart;

        Request(long lastSeq, List<Buffer> parts) {
            this.lastSeq = lastSeq;
            this.parts = parts;
            int n = 0;
            for (Buffer b : parts) n += b.length();
            this.length = n;
        }
    }

    final String node;
    private final Vertx vertx;
    private final NetClient client;
    /** Where the follower's stream listens, as it filed it in the cluster (null until it has). */
    private final Supplier<String> address;
    private NetSocket socket;
    /** The socket's context: every write goes through its task queue, so writes from any thread keep their order. */
    private io.vertx.core.Context socketContext;
    private boolean connecting;
    /** Requests written to {@link #socket}, in order, waiting for their answers. */
    private final ArrayDeque<Request> awaiting = new ArrayDeque<>();
    private final String topic;
    private final Events events;
    private final long timeoutMs;
    private final ArrayDeque<Op> pending = new ArrayDeque<>();
    private final ArrayDeque<Request> onWire = new ArrayDeque<>();
    private State state;
    private boolean closed;
    /** A request failed: nothing new is sent until every request on the wire is answered, then the failed ones go again. */
    private boolean retrying;
    private long epoch;
    private String leader;
    private volatile long ackedSeq;
    /** When the follower last answered a request with OK (System.nanoTime). */
    private volatile long lastOkNs;
    /** Since when the oldest unanswered op or request has waited (0 when none waits). */
    private long waitingSinceNs;
    private List<Buffer> snapshot;

    FollowerLink(Vertx vertx, NetClient client, Supplier<String> address, String topic, String node, State state,
                 long timeoutMs, Events events) {
        this.vertx = vertx;
        this.client = client;
        this.address = address;
        this.topic = topic;
        this.node = node;
        this.state = state;
        this.timeoutMs = timeoutMs;
        this.events = events;
    }

    long ackedSeq() { return ackedSeq; }

    long lastOkNs() { return lastOkNs; }

    synchronized State state() { return state; }

    synchronized void epoch(long epoch, String leader) {
        this.epoch = epoch;
        this.leader = leader;
    }

    /** Queues an op (nothing when DOWN); sent at once when the window has room. */
    synchronized void offer(long seq, Buffer op) {
        if (state == State.DOWN || closed) return;
        if (waitingSinceNs == 0) waitingSinceNs = System.nanoTime();
        pending.add(new Op(seq, op));
        sendNext();
    }

    /** True when the oldest op has waited longer than --replication-timeout. */
    synchronized boolean lagging(long nowNs) {
        return state != State.DOWN && waitingSinceNs != 0 && nowNs - waitingSinceNs > timeoutMs * 1_000_000L;
    }

    /** Out of the in-sync set: drop what waits; a catch-up starts it again. */
    synchronized void down() {
        state = State.DOWN;
        pending.clear();
        waitingSinceNs = 0;
        snapshot = null;
    }

    /** A catch-up begins: ops queued from now on wait behind the snapshot to come. */
    synchronized void startSnapshot() {
        state = State.SNAPSHOT;
        pending.clear();
        waitingSinceNs = System.nanoTime();
    }

    /** The snapshot's requests, sent before every op queued since {@link #startSnapshot}. */
    synchronized void snapshotReady(List<Buffer> parts) {
        if (state != State.SNAPSHOT || closed) return;
        snapshot = new java.util.ArrayList<>(parts);
        state = State.STREAMING;
        sendNext();
    }

    /** No catch-up snapshot is waiting to be sent or answered. */
    synchronized boolean snapshotDone() {
        if (state == State.SNAPSHOT || (snapshot != null && !snapshot.isEmpty())) return false;
        for (Request q : onWire) if (q.snapshotPart) return false;
        return true;
    }

    synchronized boolean idle() { return pending.isEmpty() && onWire.isEmpty() && (snapshot == null || snapshot.isEmpty()); }

    synchronized void close() {
        closed = true;
        pending.clear();
        if (socket != null) socket.close();
    }

    /**
     * Every tick: a connection whose oldest request waited past --replication-timeout is closed
     * (its requests fail and go again on a new one); an idle link sends an empty request, so a
     * follower that stopped answering is noticed without traffic.
     */
    synchronized void heartbeat() {
        Request oldest = awaiting.peek();
        if (oldest != null && socket != null && System.nanoTime() - oldest.writtenNs > timeoutMs * 1_000_000L) socket.close();
        if (state != State.STREAMING || closed || !idle()) return;
        waitingSinceNs = System.nanoTime();
        Request r = new Request(ackedSeq, List.of(header(ackedSeq)));
        onWire.add(r);
        send(r);
    }

    /** Fills the window: the snapshot's parts first, then batches of what is queued. */
    private void sendNext() {
        while (!closed && !retrying && state == State.STREAMING && onWire.size() < MAX_IN_FLIGHT) {
            Request r;
            if (snapshot != null && !snapshot.isEmpty()) {
                r = new Request(lastQueuedSeq(), List.of(header(lastQueuedSeq()), snapshot.remove(0)));
                r.snapshotPart = true;
            } else if (!pending.isEmpty()) {
                List<Buffer> parts = new java.util.ArrayList<>(Math.min(pending.size(), 1024) + 1);
                parts.add(null); // the header, once the last op is known
                long last = 0;
                int size = 0;
                while (!pending.isEmpty() && (size == 0 || size + pending.peek().bytes.length() <= MAX_REQUEST)) {
                    Op op = pending.poll();
                    parts.add(op.bytes);
                    size += op.bytes.length();
                    last = op.seq;
                }
                parts.set(0, header(last));
                r = new Request(last, parts);
            } else {
                return;
            }
            onWire.add(r);
            send(r);
        }
    }

    /** What a request without ops of its own acknowledges: everything sent before it. */
    private long lastQueuedSeq() {
        return onWire.isEmpty() ? ackedSeq : onWire.peekLast().lastSeq;
    }

    private Buffer header(long lastSeq) { return ReplicaOps.header(topic, epoch, leader, lastSeq); }

    /** Writes what is on the wire and not yet written, connecting first when needed. */
    private void send(Request r) {
        r.writtenNs = 0;
        flush();
    }

    private void flush() {
        if (closed) return;
        if (socket == null) {
            connect();
            return;
        }
        List<Request> out = null;
        for (Request q : onWire) {
            if (q.writtenNs != 0 || q.failed || q.done) continue;
            q.writtenNs = System.nanoTime();
            awaiting.add(q);
            if (out == null) out = new java.util.ArrayList<>(2);
            out.add(q);
        }
        if (out == null) return;
        NetSocket so = socket;
        List<Request> batch = out;
        socketContext.runOnContext(v -> {
            for (Request q : batch) {
                so.write(Buffer.buffer(4).appendInt(q.length));
                for (Buffer part : q.parts) so.write(part); // Netty gathers them into one flush
            }
        });
    }

    private void connect() {
        if (connecting) return;
        String where = address.get();
        if (where == null) {
            failAll(new IOException("follower " + node + " has filed no stream address"));
            return;
        }
        connecting = true;
        int i = where.lastIndexOf(':');
        client.connect(Integer.parseInt(where.substring(i + 1)), where.substring(0, i)).onComplete(ar -> {
            synchronized (this) {
                connecting = false;
                if (ar.failed() || closed) {
                    if (ar.succeeded()) ar.result().close();
                    else failAll(ar.cause());
                    return;
                }
                NetSocket so = ar.result();
                socket = so;
                socketContext = Vertx.currentContext();
                so.handler(answers(so));
                so.closeHandler(v -> closed(so));
                flush();
            }
        });
    }

    /** The follower's answers: size, status, reason; each belongs to the oldest request awaiting one. */
    private RecordParser answers(NetSocket so) {
        return ReplicaServer.frames(chunk -> {
            Request r;
            synchronized (this) {
                if (socket != so) return;
                r = awaiting.poll();
            }
            if (r == null) return;
            byte status = chunk.getByte(0);
            String reason = chunk.getString(1, chunk.length(), StandardCharsets.UTF_8.name());
            if (status == ReplicaServer.OK) {
                lastOkNs = System.nanoTime();
                answered(r, null);
            } else if (status == ReplicaServer.STALE) {
                events.stale(this, reason);
            } else {
                answered(r, new IOException(reason));
            }
        });
    }

    /** The connection ended: what awaited an answer failed, and goes again on the next one. */
    private void closed(NetSocket so) {
        java.util.List<Request> lost;
        synchronized (this) {
            if (socket != so) return;
            socket = null;
            lost = new java.util.ArrayList<>(awaiting);
            awaiting.clear();
        }
        for (Request r : lost) answered(r, new IOException("connection to follower " + node + " closed"));
    }

    private void failAll(Throwable cause) {
        java.util.List<Request> lost = new java.util.ArrayList<>();
        for (Request q : onWire) if (!q.done && !q.failed && q.writtenNs == 0) lost.add(q);
        // answered() takes this monitor again: the caller holds it, so finish outside the call stack
        vertx.runOnContext(v -> { for (Request r : lost) answered(r, cause); });
    }

    private void answered(Request r, Throwable failure) {
        boolean progressed = false;
        synchronized (this) {
            if (failure == null) r.done = true;
            else {
                r.failed = true;
                retrying = true;
            }
            while (!onWire.isEmpty() && onWire.peek().done) {
                long seq = onWire.poll().lastSeq;
                if (seq > ackedSeq) ackedSeq = seq;
                progressed = true;
            }
            if (progressed) waitingSinceNs = idle() ? 0 : System.nanoTime();
            if (retrying && settled()) scheduleRetry();
            else sendNext();
        }
        if (progressed) events.acked(this);
    }

    /** Every request on the wire has its answer. */
    private boolean settled() {
        for (Request q : onWire) if (!q.done && !q.failed) return false;
        return true;
    }

    /** After a pause, the failed requests again, in their order; a PUB applied twice there is delivered at least once. */
    private void scheduleRetry() {
        vertx.setTimer(RETRY_MS, t -> {
            synchronized (this) {
                retrying = false;
                if (closed || state == State.DOWN) {
                    onWire.clear();
                    return;
                }
                for (Request q : onWire) {
                    if (!q.failed) continue;
                    q.failed = false;
                    send(q);
                }
                sendNext();
            }
        });
    }
}
