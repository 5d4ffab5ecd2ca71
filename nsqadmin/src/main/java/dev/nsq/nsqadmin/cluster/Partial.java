package dev.nsq.nsqadmin.cluster;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A result gathered from several daemons, some of which may have failed (NSQ's PartialErr): the
 * value from the ones that answered and one line per failure, which becomes the response's
 * {@code "message":"WARNING: ..."}. When every daemon failed, the future fails instead.
 */
public record Partial<T>(T value, List<String> errors) {

    public static <T> Partial<T> of(T value) { return new Partial<>(value, List.of()); }

    public <R> Partial<R> map(Function<T, R> f) { return new Partial<>(f.apply(value), errors); }

    /** This result's errors followed by {@code more}. */
    public Partial<T> withErrors(List<String> more) {
        if (more.isEmpty()) return this;
        List<String> all = new ArrayList<>(errors);
        all.addAll(more);
        return new Partial<>(value, all);
    }

    /** What one call to each of several daemons gave: the answers, and the failures' messages. */
    record Gathered<X>(List<X> values, List<String> errors) {}

    /** Waits for every future; never fails. */
    static <X> Future<Gathered<X>> gather(List<Future<X>> futures) {
        return Future.join(futures).transform(ignored -> {
            List<X> values = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (Future<X> f : futures) {
                if (f.succeeded()) values.add(f.result());
                else errors.add(f.cause().getMessage());
            }
            return Future.succeededFuture(new Gathered<>(values, errors));
        });
    }
}
