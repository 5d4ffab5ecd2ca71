package dev.nsq.nsqd;

/**
 * One message as one channel holds it. A topic with several channels gives each its own Message
 * sharing the same ID, timestamp and body array (the body is never mutated), so per-channel state
 * (attempts, in-flight owner, deadlines) stays separate, as NSQ does.
 *
 * <p>Guarded by the lock of the {@link Channel} (or {@link Topic}) that holds it.
 */
final class Message {
    final long id;
    final long timestampNs;
    final byte[] body;
    int attempts;

    /** Defer requested at publish (DPUB, /pub?defer), in ms; applied when the topic hands it to a channel. */
    long deferMs;

    // in-flight / deferred bookkeeping
    Consumer owner;
    long deliveryNs;
    /** In-flight deadline or deferred due time, System.nanoTime() based. */
    long priorityNs;
    /** Slot in the priority queue that holds it, -1 when in none. */
    int queueIndex = -1;
    /**
     * Sequence number of the disk record this message was read from, until that record is
     * acknowledged (FIN, or written back elsewhere); -1 when it did not come from disk.
     */
    long diskSeq = -1;

    Message(long id, long timestampNs, byte[] body) {
        this.id = id;
        this.timestampNs = timestampNs;
        this.body = body;
    }

    /** A copy for another channel: same ID, timestamp, body and defer; fresh per-channel state. */
    Message copyForChannel() {
        Message m = new Message(id, timestampNs, body);
        m.attempts = attempts;
        m.deferMs = deferMs;
        return m;
    }
}
