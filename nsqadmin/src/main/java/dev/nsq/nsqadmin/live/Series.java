package dev.nsq.nsqadmin.live;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The sampled history of one topic or channel (summed over nodes): message count, depth and
 * in-flight at each sample time, for the page's rate and depth graphs. Points older than the
 * history window are dropped. Owned by the sampler's context.
 */
final class Series {
    record Point(long atMs, long messages, long depth, long inFlight) {}

    private final Deque<Point> points = new ArrayDeque<>();

    void add(Point p, long historyMs) {
        points.addLast(p);
        while (!points.isEmpty() && points.peekFirst().atMs() < p.atMs() - historyMs) points.removeFirst();
    }

    long lastSeenMs() { return points.isEmpty() ? 0 : points.peekLast().atMs(); }

    /** Messages per second between the last two samples; 0 after a counter reset (node restart, topic re-created). */
    double rate() {
        if (points.size() < 2) return 0;
        Point b = points.peekLast();
        Point a = null;
        for (var it = points.descendingIterator(); it.hasNext(); ) {
            Point p = it.next();
            if (p != b) {
                a = p;
                break;
            }
        }
        return rate(a, b);
    }

    private static double rate(Point a, Point b) {
        long dt = b.atMs() - a.atMs();
        long dm = b.messages() - a.messages();
        if (dt <= 0 || dm < 0) return 0;
        return dm * 1000.0 / dt;
    }

    /** Rates between successive samples, averaged into at most {@code maxPoints} buckets, rounded to 0.01. */
    double[] rates(int maxPoints) {
        Point[] ps = points.toArray(new Point[0]);
        if (ps.length < 2) return new double[0];
        double[] r = new double[ps.length - 1];
        for (int i = 1; i < ps.length; i++) r[i - 1] = rate(ps[i - 1], ps[i]);
        return bucket(r, maxPoints);
    }

    /** Depths at each sample, averaged into at most {@code maxPoints} buckets. */
    double[] depths(int maxPoints) {
        double[] d = points.stream().mapToDouble(Point::depth).toArray();
        return bucket(d, maxPoints);
    }

    private static double[] bucket(double[] v, int maxPoints) {
        int n = v.length;
        int per = Math.max(1, (n + maxPoints - 1) / maxPoints);
        double[] out = new double[(n + per - 1) / per];
        for (int b = 0; b < out.length; b++) {
            double sum = 0;
            int count = 0;
            for (int i = b * per; i < Math.min(n, (b + 1) * per); i++, count++) sum += v[i];
            out[b] = Math.round(sum / count * 100) / 100.0;
        }
        return out;
    }
}
