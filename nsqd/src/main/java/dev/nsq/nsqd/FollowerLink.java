package dev.nsq.nsqd;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;

import java.util.ArrayDeque;
import java.util.List;

/**
 * A leader's stream to one follower of one topic. Ops queue here in the leader's order; one
 * request is on the wire at a time and carries everything queued since the last (up to 1 MiB), so
 * under load the stream batches itself, as a group commit does. A request that fails is sent again
 * after a pause: the follower stays in sync only if it answers within --replication-timeout.
 *
 * <p>Thread-safety: every method takes this object's monitor (a leaf: nothing is called under it
 * but the event bus send).
 */
final class FollowerLink {
    static final String ADDRESS_PREFIX = "nsqd.replica.";
    private static final int MAX_REQUEST = 1 << 20;
    private static final long RETRY_MS = 250;

    enum State {
        /** Caught up or catching up by the stream: ops are sent as they come. */
        STREAMING,
        /** A catch-up snapshot is being taken and sent: ops wait behind it. */
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

    private record Op(long seq, Buffer bytes, long queuedNs) {}

    final String node;
    private final Vertx vertx;
    private final String topic;
    private final Events events;
    private final long timeoutMs;
    private final ArrayDeque<Op> pending = new ArrayDeque<>();
    private State state;
    private boolean sending;
    private boolean closed;
    private long epoch;
    private String leader;
    private volatile long ackedSeq;
    /** Since when the oldest unanswered op has waited (0 when none waits). */
    private long waitingSinceNs;
    private List<Buffer> snapshot;

    FollowerLink(Vertx vertx, String topic, String node, State state, long timeoutMs, Events events) {
        this.vertx = vertx;
        this.topic = topic;
        this.node = node;
        this.state = state;
        this.timeoutMs = timeoutMs;
        this.events = events;
    }

    long ackedSeq() { return ackedSeq; }

    synchronized State state() { return state; }

    synchronized void epoch(long epoch, String leader) {
        this.epoch = epoch;
        this.leader = leader;
    }

    /** Queues an op (nothing when DOWN); sends at once when no request is on the wire. */
    synchronized void offer(long seq, Buffer op) {
        if (state == State.DOWN || closed) return;
        if (pending.isEmpty() && !sending) waitingSinceNs = System.nanoTime();
        pending.add(new Op(seq, op, System.nanoTime()));
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

    /** A catch-up begins: ops from {@code fromSeq} on queue behind the snapshot to come. */
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

    synchronized boolean idle() { return pending.isEmpty() && !sending && (snapshot == null || snapshot.isEmpty()); }

    synchronized void close() {
        closed = true;
        pending.clear();
    }

    /** An empty request, so a follower that stopped answering is noticed without traffic. */
    synchronized void heartbeat() {
        if (state != State.STREAMING || closed || sending || !pending.isEmpty()) return;
        sending = true;
        waitingSinceNs = System.nanoTime();
        send(ReplicaOps.header(topic, epoch, leader, ackedSeq), ackedSeq);
    }

    private void sendNext() {
        if (sending || closed || state != State.STREAMING) return;
        if (snapshot != null && !snapshot.isEmpty()) {
            sending = true;
            send(header(ackedSeq).appendBuffer(snapshot.remove(0)), ackedSeq);
            return;
        }
        if (pending.isEmpty()) return;
        sending = true;
        Buffer req = null;
        long last = ackedSeq;
        while (!pending.isEmpty() && (req == null || req.length() + pending.peek().bytes.length() <= MAX_REQUEST)) {
            Op op = pending.poll();
            if (req == null) req = Buffer.buffer(Math.min(MAX_REQUEST, 256 + op.bytes.length() * Math.max(1, pending.size() + 1)));
            req.appendBuffer(op.bytes);
            last = op.seq;
        }
        Buffer head = header(last);
        send(head.appendBuffer(req), last);
    }

    private Buffer header(long lastSeq) { return ReplicaOps.header(topic, epoch, leader, lastSeq); }

    private void send(Buffer request, long lastSeq) {
        vertx.eventBus().request(ADDRESS_PREFIX + node, request, new DeliveryOptions().setSendTimeout(timeoutMs)).onComplete(ar -> {
            if (ar.succeeded()) {
                synchronized (this) {
                    sending = false;
                    if (lastSeq > ackedSeq) ackedSeq = lastSeq;
                    boolean more = !pending.isEmpty() || (snapshot != null && !snapshot.isEmpty());
                    waitingSinceNs = !more ? 0 : pending.isEmpty() ? System.nanoTime() : pending.peek().queuedNs;
                }
                events.acked(this);
                synchronized (this) {
                    sendNext();
                }
                return;
            }
            if (ar.cause() instanceof ReplyException re && re.failureCode() == Replication.STALE_EPOCH) {
                synchronized (this) {
                    sending = false;
                }
                events.stale(this, re.getMessage());
                return;
            }
            // not answered: the same request again after a pause (still "sending", so nothing
            // overtakes it); a PUB applied twice there is dropped by its ID when delivered
            vertx.setTimer(RETRY_MS, t -> {
                synchronized (this) {
                    if (closed || state == State.DOWN) {
                        sending = false;
                        return;
                    }
                }
                send(request, lastSeq);
            });
        });
    }
}
