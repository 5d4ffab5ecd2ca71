package dev.nsq.nsqd;

import dev.nsq.protocol.json.NsqdStats.ClientStats;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A follower's stand-in for its leader's consumers (docs/replication.md). On a follower each
 * channel of a replicated topic has this one subscriber and no other: it takes messages in order,
 * up to a window, and holds them "in flight" with no timeout, so the leader's FINs (which arrive in
 * batches, after the message) remove them with the channel's own {@link Channel#finish}, and a
 * deferring REQ defers them with {@link Channel#requeue}. When this node becomes leader the
 * consumer leaves, and the channel gives every message it held back to the queue at once.
 *
 * <p>A FIN for a message not yet taken (beyond the window, or still on its way) is remembered and
 * applied when the message comes.
 */
final class ReplicaConsumer implements Consumer {
    /** Messages held in flight per channel: the leader's consumers rarely hold more unfinished. */
    static final int WINDOW = 10_000;
    /** Longer than any follower lives as one: a held message never times out here. */
    private static final long NO_TIMEOUT_MS = 365L * 24 * 3600 * 1000;

    private final ClientCounters counters = new ClientCounters();
    /** IDs the leader finished before this channel handed them here. */
    private final Set<Long> finishedEarly = ConcurrentHashMap.newKeySet();
    /** Messages handed here that were finished already: finished outside the channel's lock. */
    private final Set<Long> toFinish = ConcurrentHashMap.newKeySet();
    private final Runnable finishLater;

    /** {@code finishLater} schedules {@link #finishPending} outside the channel's lock. */
    ReplicaConsumer(Runnable finishLater) { this.finishLater = finishLater; }

    /** The leader finished {@code id}: out of flight now, or when it comes. */
    void finish(Channel channel, long id) {
        if (channel.finish(this, id) != null) finishedEarly.add(id);
    }

    /** The leader deferred {@code id}: deferred here too, for the same time. */
    void defer(Channel channel, long id, long delayMs) { channel.requeue(this, id, delayMs); }

    void finishPending(Channel channel) {
        for (Long id : toFinish.toArray(new Long[0])) {
            toFinish.remove(id);
            channel.finish(this, id);
        }
    }

    @Override public int readyRoom() { return Math.max(0, WINDOW - counters.inFlight()); }

    @Override public int sampleRate() { return 0; }

    @Override public long msgTimeoutMs() { return NO_TIMEOUT_MS; }

    @Override public ClientCounters counters() { return counters; }

    @Override
    public void send(Message m) {
        if (finishedEarly.remove(m.id)) {
            toFinish.add(m.id);
            finishLater.run();
        }
    }

    @Override public void close() { }

    /** Not a client: /stats does not list it. */
    @Override public ClientStats stats(String topicFilter) { return null; }
}
