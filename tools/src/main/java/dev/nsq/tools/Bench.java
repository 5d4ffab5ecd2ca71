package dev.nsq.tools;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.Instant;

/** What bench_writer and bench_reader share: the start deadline, the body timestamp, the summary line. */
final class Bench {
    private Bench() {}

    private static final DateTimeFormatter DEADLINE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** Sleeps until {@code --deadline} ("2006-01-02 15:04:05", local time), so several runs start together. */
    static void awaitDeadline(String deadline) throws InterruptedException {
        if (deadline.isEmpty()) return;
        long at = LocalDateTime.parse(deadline, DEADLINE).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        long wait = at - System.currentTimeMillis();
        if (wait > 0) Thread.sleep(wait);
    }

    /** Wall-clock nanoseconds since the epoch, comparable between the writer's and reader's processes. */
    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** NSQ's summary: {@code duration: 10s - 68.900mb/s - 361000.000ops/s - 2.770us/op}. */
    static String summary(long durationNanos, long messages, long size) {
        double secs = durationNanos / 1e9;
        double mbs = messages * (double) size / (1024 * 1024) / secs;
        double ops = messages / secs;
        double usPerOp = messages == 0 ? 0 : durationNanos / 1e3 / messages;
        return String.format("duration: %s - %.03fmb/s - %.03fops/s - %.03fus/op",
                ToolMain.goDuration(durationNanos), mbs, ops, usPerOp);
    }

    /**
     * Our third line: the same latency split at nsqd's message timestamp (when nsqd took the message),
     * so a tail can be placed on the publishing or on the delivering side. Both ends read the same
     * clock here, as bench_writer and bench_reader run on the nsqd host for these figures.
     */
    static String split(Latencies l) {
        return String.format("latency split: publish to nsqd p50 %s - p99 %s; nsqd to receive p50 %s - p99 %s",
                ToolMain.goDuration(l.toNsqd.percentile(0.50)), ToolMain.goDuration(l.toNsqd.percentile(0.99)),
                ToolMain.goDuration(l.fromNsqd.percentile(0.50)), ToolMain.goDuration(l.fromNsqd.percentile(0.99)));
    }

    /** Our second line: publish-to-receive latency percentiles. */
    static String latency(LatencyHistogram h) {
        return String.format("latency: p50 %s - p99 %s - p99.9 %s (%d samples)",
                ToolMain.goDuration(h.percentile(0.50)), ToolMain.goDuration(h.percentile(0.99)),
                ToolMain.goDuration(h.percentile(0.999)), h.count());
    }
}
