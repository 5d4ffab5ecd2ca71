package dev.nsq.nsqlookupd;

import java.util.ArrayList;
import java.util.List;

/**
 * A peer under one registration. The tombstone lives here, not on the peer: a tombstone hides one
 * node for one topic only (so the node can delete the topic and UNREGISTER before consumers
 * rediscover it).
 */
final class Producer {
    final PeerInfo peer;
    private volatile boolean tombstoned;
    private volatile long tombstonedAtNs;

    Producer(PeerInfo peer) { this.peer = peer; }

    void tombstone() {
        tombstonedAtNs = Clock.nowNs();
        tombstoned = true;
    }

    boolean isTombstoned(long lifetimeMs) {
        return tombstoned && Clock.nowNs() - tombstonedAtNs < lifetimeMs * 1_000_000L;
    }

    boolean wasTombstoned() { return tombstoned; }

    long tombstonedAtNs() { return tombstonedAtNs; }

    /**
     * NSQ's FilterByActive: drops producers not heard from within {@code inactivityMs} and those
     * tombstoned less than {@code tombstoneLifetimeMs} ago.
     */
    static List<Producer> active(List<Producer> all, long inactivityMs, long tombstoneLifetimeMs) {
        long now = Clock.nowNs();
        List<Producer> out = new ArrayList<>(all.size());
        for (Producer p : all) {
            if (now - p.peer.lastUpdateNs() > inactivityMs * 1_000_000L || p.isTombstoned(tombstoneLifetimeMs)) continue;
            out.add(p);
        }
        return out;
    }
}
