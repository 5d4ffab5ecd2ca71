package dev.nsq.tools;

/**
 * bench_reader's histograms for one connection: publish to receive, and its two parts either side
 * of nsqd's message timestamp. Not thread-safe: one per event loop, merged at the end.
 */
final class Latencies {
    final LatencyHistogram total = new LatencyHistogram();
    final LatencyHistogram toNsqd = new LatencyHistogram();
    final LatencyHistogram fromNsqd = new LatencyHistogram();

    /** All three times are epoch nanoseconds: sent by bench_writer, taken by nsqd, received here. */
    void record(long sent, long nsqdTimestamp, long received) {
        total.record(received - sent);
        toNsqd.record(nsqdTimestamp - sent);
        fromNsqd.record(received - nsqdTimestamp);
    }

    void merge(Latencies o) {
        total.merge(o.total);
        toNsqd.merge(o.toNsqd);
        fromNsqd.merge(o.fromNsqd);
    }
}
