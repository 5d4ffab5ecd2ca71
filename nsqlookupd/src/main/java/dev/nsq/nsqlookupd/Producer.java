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
    /**
     * What NSQ's /debug shows as {@code tombstoned_at} before any tombstone: Go's zero
     * {@code time.Time{}.UnixNano()}, year 1 in ns, which overflows int64 and wraps to this.
     */
    static final long GO_ZERO_TIME_UNIX_NANO = -6795364578871345152L;

    private volatile long tombstonedAtNs = GO_ZERO_TIME_UNIX_NANO;

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
