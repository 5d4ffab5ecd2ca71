package dev.nsq.nsqd.diskqueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in order, on a shared pool: each disk queue gets its own ordering
 * without its own thread. Thread-safe.
 *
 * <p>A pool that refuses work (nsqd's is shut down by Storage.close, at the end of a stop) never
 * runs it: the tasks waiting here are dropped, with one warning per executor, and the caller, who
 * may hold a channel's lock, gets no exception. The executor is left idle, not marked running, so
 * it would use the pool again if the pool took work again. A future made on it
 * ({@code CompletableFuture.runAsync(task, this)}) then never completes: nothing waits for disk work
 * after shutdown, and a publish that would is refused before it gets here ("exiting").
 */
public final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;
    private boolean refusalLogged;

    public SerialExecutor(Executor pool) { this.pool = pool; }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (running) return;
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            refused();
        }
    }

    private void refused() {
        int dropped;
        synchronized (this) {
            dropped = tasks.size();
            tasks.clear();
            running = false;
            if (refusalLogged) return;
            refusalLogged = true;
        }
        log.warn("NSQ: disk work refused (worker pool shut down) - dropped {} task(s); later refusals are not logged", dropped);
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (Throwable t) {
                log.error("disk task failed", t);
            }
        }
    }
}
