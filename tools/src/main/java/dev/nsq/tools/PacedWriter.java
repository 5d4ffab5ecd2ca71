package dev.nsq.tools;

import dev.nsq.client.Producer;
import io.netty.channel.EventLoop;
import io.vertx.core.internal.ContextInternal;

import java.util.concurrent.TimeUnit;

/**
 * bench_writer's {@code --rate}: MPUBs one connection's batches at a steady pace, from the
 * producer's own event loop. Batch n is due at {@code start + n * interval}; each wake-up sends what
 * is due (as far as {@code --pipeline} allows) and the next reply sends what fell behind. Pacing on
 * the event loop rather than from a thread of its own saves two thread hand-offs per batch, which
 * on a 2-core machine cost more CPU than the publishing and showed up as the latency being measured.
 * Netty's scheduler is used for its microsecond delays (Vert.x timers count whole milliseconds);
 * wake-ups are at least {@link #MIN_GAP_NS} apart, which cut the median latency by a third against 1 ms
 * ticks without the CPU cost of one wake-up per batch.
 */
final class PacedWriter {
    /** Wake-ups are at least this far apart; what falls due in between goes out together. */
    private static final long MIN_GAP_NS = 500_000;

    private final Producer producer;
    private final String topic;
    private final BenchWriter.Batch batch;
    private final int pipeline;
    private final long nsPerBatch;
    private final long start;
    private final BenchWriter.Run run;
    private final Runnable done;
    private final EventLoop loop;
    private long batches;
    private int outstanding;
    private boolean finished;

    PacedWriter(ContextInternal context, Producer producer, String topic, BenchWriter.Batch batch, int pipeline,
                long nsPerBatch, long start, BenchWriter.Run run, Runnable done) {
        this.loop = context.nettyEventLoop();
        this.producer = producer;
        this.topic = topic;
        this.batch = batch;
        this.pipeline = pipeline;
        this.nsPerBatch = Math.max(1, nsPerBatch);
        this.start = start;
        this.run = run;
        this.done = done;
    }

    /** On the producer's event loop: sends what is due, then sleeps until the next batch is. */
    void tick() {
        long now = System.nanoTime();
        if (run.over(now)) {
            finish();
            return;
        }
        sendDue(now);
        long next = Math.max(start + batches * nsPerBatch, now + MIN_GAP_NS);
        loop.schedule(this::tick, Math.min(next, run.end) - now, TimeUnit.NANOSECONDS);
    }

    private void sendDue(long now) {
        while (outstanding < pipeline && start + batches * nsPerBatch <= now && now < run.end) {
            batches++;
            outstanding++;
            boolean measured = batch.stamp(run);
            // encoded before multiPublish returns, so the bodies can be stamped again for the next batch
            producer.multiPublish(topic, batch.bodies).whenComplete((v, e) -> answered(measured, e));
        }
    }

    /** A reply, on the producer's event loop (the same thread as {@link #tick()}). */
    private void answered(boolean measured, Throwable e) {
        outstanding--;
        run.answered(batch.bodies.size(), measured, e);
        if (finished) {
            if (outstanding == 0) done.run();
            return;
        }
        sendDue(System.nanoTime()); // a full window left batches behind schedule
    }

    private void finish() {
        if (finished) return;
        finished = true;
        if (outstanding == 0) done.run();
    }
}
