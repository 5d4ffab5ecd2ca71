package dev.nsq.nsqd;

import dev.nsq.protocol.json.NsqdStats;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.IntCountsHistogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * End-to-end processing latency of one channel (publish timestamp to FIN), NSQ's
 * {@code --e2e-processing-latency-percentile}: two histograms each covering half of
 * {@code --e2e-processing-latency-window-time}, the older one cleared as the window moves, both
 * read together, as NSQ's quantile streams. HdrHistogram at 2 significant digits in microseconds
 * keeps each one a few tens of KiB whatever the traffic; a topic's figure merges its channels'.
 *
 * <p>Thread-safety: synchronized; recorded under the channel's lock, read by /stats and statsd.
 */
final class E2eLatency {
    private final double[] quantiles;
    private final long halfWindowNs;
    private final AbstractHistogram[] streams = {newHistogram(), newHistogram()};
    private int current;
    private long lastMoveNs = System.nanoTime();

    E2eLatency(List<Double> quantiles, long windowMs) {
        this.quantiles = quantiles.stream().mapToDouble(Double::doubleValue).toArray();
        this.halfWindowNs = Math.max(1, windowMs) * 500_000L;
    }

    private static AbstractHistogram newHistogram() { return new IntCountsHistogram(2); }

    /** A message published at {@code publishTimestampNs} (wall clock) was just finished. */
    synchronized void record(long publishTimestampNs) {
        moveWindow();
        Instant now = Instant.now();
        long latencyNs = now.getEpochSecond() * 1_000_000_000L + now.getNano() - publishTimestampNs;
        streams[current].recordValue(Math.max(0, latencyNs / 1_000));
    }

    private void moveWindow() {
        long now = System.nanoTime();
        while (now - lastMoveNs > halfWindowNs) {
            current ^= 1;
            streams[current].reset();
            lastMoveNs += halfWindowNs;
        }
    }

    private synchronized void addTo(AbstractHistogram target) {
        moveWindow();
        target.add(streams[0]);
        target.add(streams[1]);
    }

    NsqdStats.E2eLatency result() { return merged(List.of(this)); }

    /**
     * NSQ's Result over the given streams (a channel's, or all of a topic's channels): the count and
     * one value in nanoseconds per configured quantile; no percentiles at all when there is none.
     */
    static NsqdStats.E2eLatency merged(List<E2eLatency> all) {
        if (all.isEmpty()) return new NsqdStats.E2eLatency(0, null);
        AbstractHistogram h = newHistogram();
        for (E2eLatency e : all) e.addTo(h);
        List<NsqdStats.Percentile> ps = new ArrayList<>();
        for (double q : all.get(0).quantiles) {
            double valueNs = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(q * 100) * 1_000.0;
            ps.add(new NsqdStats.Percentile(q, valueNs));
        }
        return new NsqdStats.E2eLatency(h.getTotalCount(), ps);
    }

    /** NSQ's text form in /stats: each value as a short duration, comma separated ("1.2ms, 350.0us"). */
    static String text(NsqdStats.E2eLatency e) {
        if (e == null || e.percentiles() == null) return "";
        List<String> out = new ArrayList<>();
        for (NsqdStats.Percentile p : e.percentiles()) out.add(humanNs(p.value()));
        return String.join(", ", out);
    }

    static String humanNs(double v) {
        String suffix = "ns";
        if (v > 1e9) {
            v /= 1e9;
            suffix = "s";
        } else if (v > 1e6) {
            v /= 1e6;
            suffix = "ms";
        } else if (v > 1e3) {
            v /= 1e3;
            suffix = "us";
        }
        return String.format("%.1f%s", v, suffix);
    }
}
