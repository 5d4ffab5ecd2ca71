package dev.nsq.tools;

/**
 * Log-linear histogram of nanosecond latencies: exact below 256 ns, then 128 buckets per power of
 * two (under 1% error), so millions of samples fit in 64 KiB. Not thread-safe: one per event loop,
 * merged at the end.
 */
final class LatencyHistogram {
    private static final int SUB = 128;
    private static final int EXACT = 256;
    private final long[] counts = new long[EXACT + 56 * SUB];
    private long total;

    void record(long nanos) {
        if (nanos < 0) nanos = 0;
        counts[index(nanos)]++;
        total++;
    }

    static int index(long v) {
        if (v < EXACT) return (int) v;
        int e = 63 - Long.numberOfLeadingZeros(v); // >= 8
        int sub = (int) ((v >>> (e - 7)) & (SUB - 1));
        return EXACT + (e - 8) * SUB + sub;
    }

    /** The middle of bucket {@code i}. */
    static long value(int i) {
        if (i < EXACT) return i;
        int e = (i - EXACT) / SUB + 8;
        int sub = (i - EXACT) % SUB;
        long low = (long) (SUB + sub) << (e - 7);
        return low + ((1L << (e - 7)) >> 1);
    }

    void merge(LatencyHistogram o) {
        for (int i = 0; i < counts.length; i++) counts[i] += o.counts[i];
        total += o.total;
    }

    long count() { return total; }

    /** Latency at quantile q in (0,1]; 0 with no samples. */
    long percentile(double q) {
        if (total == 0) return 0;
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) return value(i);
        }
        return value(counts.length - 1);
    }
}
