package dev.nsq.nsqd;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leader's side of one replicated topic (docs/replication.md): every op gets the next sequence
 * number and goes to each follower's {@link FollowerLink}; a publish is acknowledged once every
 * in-sync follower has answered for its sequence. Which followers are in sync is the placement's
 * word, as stored in the cluster, so a follower dropped from it no longer holds up publishes only
 * once every node can see it was dropped.
 *
 * <p>Lock order: this stream, then a link.
 */
final class LeaderStream implements FollowerLink.Events {
    /** What the stream asks of the node. */
    interface Node {
        /** The follower answered nothing for --replication-timeout: drop it from the in-sync set. */
        void lagging(String topic, String follower);

        /** The follower caught up: back into the in-sync set. */
        void caughtUp(String topic, String follower);

        /** The follower needs a catch-up snapshot; hand it to the link when ready. */
        void snapshot(String topic, FollowerLink link);

        /** A follower knows a newer epoch: this node is not the leader any more. */
        void stale(String topic, String why);

        /** True while the node is a cluster member. */
        boolean live(String node);

        /** Where a node's stream listener is ({@code host:port}), or null. */
        String streamAddress(String node);

        /** The connections to followers' stream listeners are made with this. */
        io.vertx.core.net.NetClient streamClient();
    }

    private record Waiter(long seq, Promise<Void> promise) {}

    final String topic;
    private final Vertx vertx;
    private final Node node;
    private final long timeoutMs;
    private final int minInSync;
    private final Map<String, FollowerLink> links = new ConcurrentHashMap<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /**
     * Followers on their way back into the in-sync set, with the sequence they must reach first.
     * Publishes already wait for them, so nothing acknowledged meanwhile misses them; the placement
     * names them in sync once they reached it. Guarded by this stream.
     */
    private final Map<String, Long> joining = new HashMap<>();
    private volatile Placement placement;
    private long nextSeq;
    private boolean closed;

    /**
     * {@code fresh}: the topic was just placed, its followers hold nothing and need no catch-up.
     * Otherwise (a new leader after a failover) every follower first takes this leader's state.
     */
    LeaderStream(Vertx vertx, Placement p, boolean fresh, long timeoutMs, int minInSync, Node node) {
        this.vertx = vertx;
        this.topic = p.topic();
        this.node = node;
        this.timeoutMs = timeoutMs;
        this.minInSync = minInSync;
        this.placement = p;
        for (String f : p.followers()) addLink(f, fresh && p.isInSync(f));
    }

    private void addLink(String follower, boolean streaming) {
        FollowerLink l = new FollowerLink(vertx, node.streamClient(), () -> node.streamAddress(follower), topic, follower,
                streaming ? FollowerLink.State.STREAMING : FollowerLink.State.DOWN, timeoutMs, this);
        l.epoch(placement.epoch(), placement.leader());
        links.put(follower, l);
        if (streaming) return;
        // a catch-up starts by dropping what the follower holds: it must leave the in-sync set
        // first, or a failover during the catch-up could elect a follower holding half the topic
        if (placement.isInSync(follower)) node.lagging(topic, follower);
        else if (node.live(follower)) startCatchUp(l);
    }

    private void startCatchUp(FollowerLink l) {
        l.startSnapshot();
        node.snapshot(topic, l);
    }

    Placement placement() { return placement; }

    /** Why a publish is refused now, or null: too few replicas in sync, or this stream closed. */
    String refusal() {
        Placement p = placement;
        if (closed) return "topic " + topic + " is no longer led here";
        if (p.inSync().size() < minInSync)
            return "not enough in-sync replicas for topic " + topic + " (" + p.inSync().size() + " of " + minInSync + " needed)";
        return null;
    }

    /** Gives an op the next sequence number and queues it for every follower. Called under the topic's lock for publishes. */
    synchronized long append(Buffer op) {
        long seq = ++nextSeq;
        for (FollowerLink l : links.values()) l.offer(seq, op);
        return seq;
    }

    /** Completes once every in-sync follower holds the op {@code seq}; fails if too few stay in sync. */
    Future<Void> awaitReplicated(long seq) {
        synchronized (this) {
            String refused = refusal();
            if (refused != null) return Future.failedFuture(refused);
            if (replicated(seq)) return Future.succeededFuture();
            Promise<Void> p = Promise.promise();
            waiters.add(new Waiter(seq, p));
            return p.future();
        }
    }

    private boolean replicated(long seq) {
        Placement p = placement;
        for (String f : p.inSync()) if (!f.equals(p.leader()) && !holds(f, seq)) return false;
        for (String f : joining.keySet()) if (!holds(f, seq)) return false;
        return true;
    }

    private boolean holds(String follower, long seq) {
        FollowerLink l = links.get(follower);
        return l != null && l.ackedSeq() >= seq;
    }

    @Override
    public void acked(FollowerLink link) { release(); }

    @Override
    public void stale(FollowerLink link, String why) { node.stale(topic, why); }

    /** Completes the waiters now replicated, or fails them all if too few replicas are in sync. */
    private void release() {
        List<Waiter> done = new ArrayList<>();
        String failed;
        synchronized (this) {
            failed = refusal();
            while (!waiters.isEmpty() && (failed != null || replicated(waiters.peek().seq))) done.add(waiters.poll());
        }
        for (Waiter w : done) {
            if (failed == null) w.promise.tryComplete();
            else w.promise.tryFail(failed);
        }
    }

    /** The stored placement changed (in-sync set, replicas); the epoch is the same. */
    void placementChanged(Placement p) {
        synchronized (this) {
            placement = p;
            for (String f : p.followers()) if (!links.containsKey(f)) addLink(f, false);
            for (String f : new ArrayList<>(links.keySet())) {
                if (!p.isReplica(f)) {
                    links.remove(f).close();
                    joining.remove(f);
                } else if (p.isInSync(f)) {
                    joining.remove(f);
                }
            }
        }
        release();
    }

    /**
     * Every half second: followers that stopped answering leave the in-sync set, live ones out of
     * it are caught up, caught-up ones come back, idle links are heartbeaten.
     */
    void tick(long nowNs) {
        Placement p = placement;
        for (FollowerLink l : links.values()) {
            boolean inSync = p.isInSync(l.node);
            FollowerLink.State s = l.state();
            if (inSync && (l.lagging(nowNs) || s == FollowerLink.State.DOWN)) {
                node.lagging(topic, l.node);
            } else if (!inSync && s == FollowerLink.State.DOWN && node.live(l.node)) {
                synchronized (this) {
                    startCatchUp(l);
                }
            } else if (!inSync && s == FollowerLink.State.STREAMING && l.snapshotDone()) {
                boolean up = false, lagging = l.lagging(nowNs);
                synchronized (this) {
                    if (lagging) joining.remove(l.node);
                    else if (!joining.containsKey(l.node)) joining.put(l.node, nextSeq);
                    else up = l.ackedSeq() >= joining.get(l.node);
                }
                if (lagging) {
                    l.down();
                    release();
                } else if (up) {
                    node.caughtUp(topic, l.node);
                }
            }
            l.heartbeat();
        }
    }

    /** This node stops leading: waiting publishes fail, links close. */
    void close(String why) {
        List<Waiter> failed;
        synchronized (this) {
            closed = true;
            failed = new ArrayList<>(waiters);
            waiters.clear();
            for (FollowerLink l : links.values()) l.close();
        }
        for (Waiter w : failed) w.promise.tryFail(why);
    }

    /** True when a follower answered OK, at this epoch, after {@code sinceNs}: the leadership is confirmed. */
    boolean answeredSince(long sinceNs) {
        for (FollowerLink l : links.values()) if (l.lastOkNs() - sinceNs > 0) return true;
        return false;
    }

    /** Sequence of the last op: a snapshot taken now holds everything up to it. */
    synchronized long lastSeq() { return nextSeq; }
}
