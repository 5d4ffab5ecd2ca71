package dev.nsq.nsqd;

import io.vertx.core.Completable;
import io.vertx.core.Context;
import io.vertx.core.Future;

/**
 * The one way from nsqd's core back to an event loop. The core (Topic, Channel, the disk queues)
 * answers with Vert.x futures that carry no context: they complete on whatever thread finished the
 * work, a disk thread, or the caller's own when nothing had to wait. Connections and HTTP requests
 * go on where they live, on their own event loop. See package-info and docs/architecture.md,
 * "Threads and who owns what".
 */
final class OnLoop {
    private OnLoop() {}

    /** Runs {@code then} (the value, or null and the cause) on {@code loop} once {@code work} completes. */
    static <T> void whenDone(Context loop, Future<T> work, Completable<T> then) {
        work.onComplete((v, e) -> loop.runOnContext(x -> then.complete(v, e)));
    }

    /** The cause's message, or its type when it has none. */
    static String reason(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
