package dev.nsq.nsqd;

import io.vertx.core.Context;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The one way from nsqd's core back to an event loop. The core (Topic, Channel, the disk queues)
 * answers with CompletableFutures completed on whatever thread finished the work: a disk worker,
 * or the caller's own thread when nothing had to wait. Connections and HTTP requests go on where
 * they live, on their own event loop, and see the innermost cause of a failure, never the
 * CompletionException around it. See docs/architecture.md, "Threads and who owns what".
 */
final class OnLoop {
    private OnLoop() {}

    /** What to do once the work is done: the value, or null and the innermost cause. */
    interface Then<T> {
        void accept(T value, Throwable cause);
    }

    /** Runs {@code then} on {@code loop} once {@code work} completes. */
    static <T> void whenDone(Context loop, CompletableFuture<T> work, Then<T> then) {
        work.whenComplete((v, e) -> loop.runOnContext(x -> then.accept(v, cause(e))));
    }

    /** For a completed future: its innermost failure, or null when it succeeded. */
    static Throwable failure(CompletableFuture<?> done) {
        return done.isCompletedExceptionally() ? cause(done.handle((v, e) -> e).join()) : null;
    }

    /** The innermost cause: CompletionExceptions unwrapped; null stays null. */
    static Throwable cause(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) e = e.getCause();
        return e;
    }

    /** The cause's message, or its type when it has none. */
    static String reason(Throwable e) {
        Throwable c = cause(e);
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
