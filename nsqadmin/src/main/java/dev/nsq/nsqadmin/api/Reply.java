package dev.nsq.nsqadmin.api;

import dev.nsq.nsqadmin.cluster.Upstream;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * How every API answer is written, as NSQ's {@code http_api.V1} decorator does: the
 * {@code X-NSQ-Content-Type} header, JSON bodies, errors as {@code {"message": ...}}, an upstream
 * failure of every daemon as {@code 502 UPSTREAM_ERROR: ...}, partial failures as a
 * {@code "message": "WARNING: ..."} field of a 200 answer.
 */
public final class Reply {
    private static final Logger log = LoggerFactory.getLogger(Reply.class);
    static final String JSON_TYPE = "application/json; charset=utf-8";

    private Reply() {}

    /** NSQ's maybeWarnMsg: empty when all daemons answered, else one WARNING line. */
    public static String warning(List<String> errors) {
        return errors.isEmpty() ? "" : "WARNING: " + String.join("; ", errors);
    }

    static void json(RoutingContext ctx, int status, Object body) {
        HttpServerResponse r = ctx.response();
        if (r.ended()) return;
        String text = body instanceof JsonObject o ? o.encode() : io.vertx.core.json.Json.encode(body);
        r.setStatusCode(status)
                .putHeader("X-NSQ-Content-Type", "nsq; version=1.0")
                .putHeader("Content-Type", JSON_TYPE)
                .end(text);
    }

    static void message(RoutingContext ctx, List<String> errors) {
        json(ctx, 200, new JsonObject().put("message", warning(errors)));
    }

    /** Answers with the future's value, or routes its failure to {@link #failure}. */
    static <T> void answer(RoutingContext ctx, Future<T> f, java.util.function.Function<T, Object> body) {
        f.onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            try {
                json(ctx, 200, body.apply(ar.result()));
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        });
    }

    /** The one failure handler: every error of every route ends here. */
    public static void failure(RoutingContext ctx) {
        Throwable t = ctx.failure();
        int status;
        String msg;
        if (t instanceof ApiError e) {
            status = e.status();
            msg = e.getMessage();
        } else if (t instanceof Upstream.UpstreamError e) {
            status = 502;
            msg = "UPSTREAM_ERROR: " + e.getMessage();
        } else if (t == null) {
            status = ctx.statusCode() < 0 ? 500 : ctx.statusCode();
            msg = switch (status) {
                case 404 -> "NOT_FOUND";
                case 405 -> "METHOD_NOT_ALLOWED";
                case 413 -> "BODY_TOO_BIG";
                default -> "INTERNAL_ERROR";
            };
        } else {
            status = 500;
            msg = "INTERNAL_ERROR";
            log.error("HTTP: {} {} failed - {}", ctx.request().method(), ctx.request().path(), t.toString(), t);
        }
        if (status >= 500) log.warn("HTTP: {} {} -> {} {}", ctx.request().method(), ctx.request().path(), status, msg);
        json(ctx, status, new JsonObject().put("message", msg));
    }
}
