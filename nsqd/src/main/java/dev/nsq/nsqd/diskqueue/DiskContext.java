package dev.nsq.nsqd.diskqueue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One disk queue's ordered Vert.x worker context on nsqd's {@link DiskWorkers} (NSQ gives each
 * diskQueue its ioLoop goroutine): its blocking tasks run one at a time, in order, and a task
 * submitted from one of them, or from a continuation running on its thread, waits its turn behind
 * what is queued (Vert.x's {@code Context.execute} would run it at once, inside the running task).
 *
 * <p>The futures carry no context: they complete on the disk thread that ran the task, and what
 * chains on them runs there too, with no hop. Whoever must go on elsewhere crosses over itself
 * (nsqd's {@code OnLoop}).
 *
 * <p>After {@link DiskWorkers#close()} (Storage.close, at the end of a stop) work is refused and
 * its future fails, with one warning per queue; the caller, who may hold a channel's lock, never
 * gets an exception. Thread-safe.
 */
public final class DiskContext {
    private static final Logger log = LoggerFactory.getLogger(DiskContext.class);
    private final String name;
    /** The context's own ordered executor: always queues, never runs a task inline. */
    private final Executor ordered;
    private final DiskWorkers workers;
    private final AtomicBoolean refusalLogged = new AtomicBoolean();

    DiskContext(String name, ContextInternal context, DiskWorkers workers) {
        this.name = name;
        this.ordered = context.executor();
        this.workers = workers;
    }

    /** Runs {@code task} after everything submitted before it; its result or exception completes the future. */
    public <T> Future<T> submit(Callable<T> task) {
        if (workers.isClosed()) return refused();
        Promise<T> done = Promise.promise();
        try {
            ordered.execute(() -> run(task, done));
        } catch (RejectedExecutionException e) {
            return refused();
        }
        return done.future();
    }

    /** Work nothing waits for (an fsync tick, acknowledgements); an unexpected failure is logged. */
    public void execute(Runnable task) {
        submit(() -> {
            try {
                task.run();
            } catch (Throwable t) {
                log.error("DISKQUEUE({}): disk task failed", name, t);
            }
            return null;
        });
    }

    private static <T> void run(Callable<T> task, Promise<T> done) {
        T value;
        try {
            value = task.call();
        } catch (Throwable t) {
            done.fail(t);
            return;
        }
        done.complete(value); // outside the try: a continuation's exception is not the task's
    }

    private <T> Future<T> refused() {
        if (refusalLogged.compareAndSet(false, true))
            log.warn("DISKQUEUE({}): disk work refused (storage closed) - its future fails; later refusals are not logged", name);
        return Future.failedFuture(new IllegalStateException("storage closed"));
    }
}
