package dev.nsq.nsqd.diskqueue;

import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.WorkerPool;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * nsqd's disk pool: the {@code nsqd-disk-N} threads every blocking disk task runs on, and one
 * ordered Vert.x worker context on them per disk queue ({@link #newQueue}). A pool of its own, not
 * Vert.x's default worker pool, so an fsync never waits behind other blocking work or holds it up.
 * Thread-safe.
 */
public final class DiskWorkers {
    private final VertxInternal vertx;
    private final ExecutorService threads;
    private final WorkerPool pool;
    private volatile boolean closed;

    /** {@code size} daemon threads named {@code nsqd-disk-N}: disk work never keeps the JVM up by itself. */
    public DiskWorkers(Vertx vertx, int size) {
        this(vertx, Executors.newFixedThreadPool(size, daemonThreads()));
    }

    /** On the given threads (tests: a pool that refuses work). */
    DiskWorkers(Vertx vertx, ExecutorService threads) {
        this.vertx = (VertxInternal) vertx;
        this.threads = threads;
        this.pool = this.vertx.wrapWorkerPool(threads);
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "nsqd-disk-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A new disk queue's own ordered worker context; {@code name} is how its warnings name it. */
    public DiskContext newQueue(String name) {
        return new DiskContext(name, vertx.contextBuilder()
                .withThreadingModel(ThreadingModel.WORKER)
                .withWorkerPool(pool)
                .build(), this);
    }

    boolean isClosed() { return closed; }

    /**
     * From now on every queue refuses new work ({@link DiskContext}); what is queued already still
     * runs. The threads are shut down gently, never interrupted: an interrupt closes a FileChannel.
     */
    public void close() {
        closed = true;
        threads.shutdown();
    }
}
