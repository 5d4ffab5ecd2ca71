package dev.nsq.nsqlookupd;

import java.time.Instant;

/** Wall-clock nanoseconds since the epoch, as NSQ's {@code time.Now().UnixNano()} in /debug. */
final class Clock {
    private Clock() {}

    static long nowNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
