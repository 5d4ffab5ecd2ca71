package dev.nsq.protocol;

/**
 * Message IDs laid out as NSQ's guid.go: {@code ((ts - EPOCH) << 22) | (nodeId << 12) | sequence},
 * where ts is Unix nanoseconds {@code >> 20} (units of 1,048,576 ns), nodeId 10 bits and the
 * sequence 12 bits within one time unit.
 *
 * <p>Unlike NSQ it never sleeps: when the clock steps back, or 4096 IDs are taken within one unit,
 * it borrows the next time unit ahead of the clock. IDs stay unique and strictly increasing per
 * factory, and an event loop calling it is never blocked. Thread-safe (one lock, held for a few ns).
 */
public final class GuidFactory {
    /** NSQ's twepoch, in the same 2^20 ns units. */
    public static final long EPOCH = 1288834974288L;
    private static final int NODE_BITS = 10;
    private static final int SEQUENCE_BITS = 12;
    private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;
    public static final int MAX_NODE_ID = (1 << NODE_BITS) - 1;

    private final long nodeId;
    private long lastTs = -1;
    private long sequence;

    public GuidFactory(long nodeId) {
        if (nodeId < 0 || nodeId > MAX_NODE_ID) throw new IllegalArgumentException("node id must be [0,1024)");
        this.nodeId = nodeId;
    }

    public synchronized long next() {
        long ts = System.currentTimeMillis() * 1_000_000L >> 20;
        if (ts < lastTs) ts = lastTs; // clock stepped back: keep counting in the last unit
        if (ts == lastTs) {
            sequence = (sequence + 1) & SEQUENCE_MASK;
            if (sequence == 0) ts = ++lastTs; // unit exhausted: borrow the next one
        } else {
            sequence = 0;
        }
        lastTs = ts;
        return ((ts - EPOCH) << (NODE_BITS + SEQUENCE_BITS)) | (nodeId << SEQUENCE_BITS) | sequence;
    }

    /** Visible for tests: the time unit the factory last used. */
    synchronized long lastTimeUnit() { return lastTs; }
}
