package dev.nsq.client;

/**
 * How {@code max_in_flight} is split into RDY counts across connections. Pure arithmetic, so the
 * consumer's rebalancing can be tested without sockets.
 */
final class RdyPlan {
    private RdyPlan() {}

    /**
     * RDY for the connection at {@code index} of {@code connections}: an even share, the remainder
     * going one each to the first connections. When there are more connections than
     * {@code maxInFlight}, only the first {@code maxInFlight} get 1 and the consumer rotates which
     * ones those are, so no nsqd starves.
     */
    static long share(int maxInFlight, int connections, int index, long maxRdyCount) {
        if (connections <= 0) return 0;
        long base = maxInFlight / connections;
        long extra = index < maxInFlight % connections ? 1 : 0;
        return Math.min(base + extra, maxRdyCount);
    }

    /** Backoff after {@code level} consecutive failures: multiplier x 2^(level-1), capped. */
    static long backoffMs(int level, long multiplierMs, long maxMs) {
        if (level <= 0) return 0;
        if (level > 30) return maxMs;
        long d = multiplierMs * (1L << (level - 1));
        return Math.min(d, maxMs);
    }

    /** REQ delay for a failed delivery: the default delay times the attempts, capped. */
    static long requeueDelayMs(int attempts, long defaultDelayMs, long maxDelayMs) {
        long d = defaultDelayMs * Math.max(1, attempts);
        return Math.min(d, maxDelayMs);
    }
}
