package dev.nsq.nsqd;

import io.netty.util.collection.LongObjectHashMap;

/**
 * In-flight messages of one channel by message ID. GUIDs are sequential, and open addressing
 * over sequential keys clusters badly (removals took 55% of CPU, docs/performance-notes.md), so
 * keys are scrambled with a Fibonacci multiply first; an odd multiplier is a bijection, so no two
 * IDs collide.
 *
 * <p>Not thread-safe: guarded by its channel's lock.
 */
final class InFlightMap {
    private static final long SCRAMBLE = 0x9E3779B97F4A7C15L;
    private final LongObjectHashMap<Message> map = new LongObjectHashMap<>(256);

    Message get(long id) { return map.get(id * SCRAMBLE); }

    /** Adds; returns false if the ID is already in flight (NSQ's internal error case). */
    boolean add(Message m) {
        long k = m.id * SCRAMBLE;
        if (map.containsKey(k)) return false;
        map.put(k, m);
        return true;
    }

    Message remove(long id) { return map.remove(id * SCRAMBLE); }

    int size() { return map.size(); }

    Iterable<Message> values() { return map.values(); }

    void clear() { map.clear(); }
}
