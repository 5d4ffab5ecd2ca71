package dev.nsq.nsqd;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * NSQ's queueScanLoop, Redis' probabilistic expiry: every cycle it picks up to
 * --queue-scan-selection-count channels at random and has workers requeue their timed-out
 * in-flight messages and release their due deferred ones. When more than
 * --queue-scan-dirty-percent of the picked channels had work, the next cycle starts at once
 * instead of waiting for --queue-scan-interval. Workers: a quarter of the channels, between 1 and
 * --queue-scan-worker-pool-max, each taking an equal share of the picked channels.
 *
 * <p>Cycles never overlap: {@link #cycle} runs the next one only when the last worker is done.
 */
final class QueueScanner {
    private final Supplier<List<Channel>> channels;
    private final int selectionCount;
    private final double dirtyPercent;
    private final int workerPoolMax;
    private final Executor workers;

    QueueScanner(Supplier<List<Channel>> channels, NsqdOptions o, Executor workers) {
        this.channels = channels;
        this.selectionCount = (int) Math.max(1, o.queueScanSelectionCount);
        this.dirtyPercent = o.queueScanDirtyPercent;
        this.workerPoolMax = (int) Math.max(1, o.queueScanWorkerPoolMax);
        this.workers = workers;
    }

    /** NSQ's resizePool: a quarter of the channels, at least 1, at most the flag. */
    int poolSize(int channelCount) {
        return Math.max(1, Math.min(workerPoolMax, channelCount / 4));
    }

    /**
     * Runs cycles until one finds few enough dirty channels; completes with the number of cycles
     * run (0 when there is no channel).
     */
    Future<Integer> cycle(long nowNs) {
        return cycle(nowNs, 0);
    }

    private Future<Integer> cycle(long nowNs, int done) {
        List<Channel> all = channels.get();
        if (all.isEmpty()) return Future.succeededFuture(done);
        List<Channel> picked = pick(all);
        int pool = poolSize(all.size());
        AtomicInteger dirty = new AtomicInteger();
        List<Future<Void>> running = new ArrayList<>(pool);
        for (int w = 0; w < pool; w++) {
            List<Channel> share = picked.subList(w * picked.size() / pool, (w + 1) * picked.size() / pool);
            if (share.isEmpty()) continue;
            Promise<Void> scanned = Promise.promise();
            workers.execute(() -> {
                try {
                    for (Channel c : share) if (c.processTimeouts(nowNs) > 0) dirty.incrementAndGet();
                } catch (RuntimeException e) {
                    scanned.fail(e);
                    return;
                }
                scanned.complete(); // the last one goes on with the next cycle, on this worker
            });
            running.add(scanned.future());
        }
        return Future.join(running).compose(v -> {
            if ((double) dirty.get() / picked.size() > dirtyPercent) return cycle(System.nanoTime(), done + 1);
            return Future.succeededFuture(done + 1);
        });
    }

    /** Up to selectionCount distinct channels, at random (NSQ's UniqRands). */
    private List<Channel> pick(List<Channel> all) {
        if (all.size() <= selectionCount) return all;
        List<Channel> copy = new ArrayList<>(all);
        Collections.shuffle(copy, ThreadLocalRandom.current());
        return copy.subList(0, selectionCount);
    }
}
