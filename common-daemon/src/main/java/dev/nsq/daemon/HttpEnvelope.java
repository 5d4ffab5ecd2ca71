package dev.nsq.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.protocol.Names;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * NSQ's HTTP "V1" envelope, shared by every daemon's API: the {@code X-NSQ-Content-Type} header,
 * raw text or JSON bodies, an empty 200 for a nil result, {@code {"message":"..."}} errors, and
 * parameters read from the URL query only, as NSQ reads them.
 */
public final class HttpEnvelope {
    private HttpEnvelope() {}

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final String NSQ_CONTENT_TYPE = "X-NSQ-Content-Type";
    private static final String NSQ_CONTENT_TYPE_V1 = "nsq; version=1.0";
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    public static HttpServerResponse v1(RoutingContext ctx) {
        return ctx.response().putHeader(NSQ_CONTENT_TYPE, NSQ_CONTENT_TYPE_V1);
    }

    public static void ok(RoutingContext ctx) {
        v1(ctx).putHeader("Content-Type", "text/plain; charset=utf-8").end("OK");
    }

    /** 200 with an empty body, NSQ's answer for a nil result. */
    public static void empty(RoutingContext ctx) {
        v1(ctx).end();
    }

    public static void json(RoutingContext ctx, Object value) {
        byte[] b;
        try {
            b = JSON.writeValueAsBytes(value);
        } catch (Exception e) {
            ctx.fail(e);
            return;
        }
        v1(ctx).putHeader("Content-Type", JSON_TYPE).end(Buffer.buffer(b));
    }

    /** {@code status} with {@code {"message":"<message>"}}; nothing if the response is already sent. */
    public static void error(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) return;
        v1(ctx).setStatusCode(status).putHeader("Content-Type", JSON_TYPE).end("{\"message\":\"" + message + "\"}");
    }

    /** Query parameter from the URL only; null when absent (present but empty is ""). */
    public static String param(RoutingContext ctx, String name) {
        List<String> all = ctx.queryParam(name);
        return all.isEmpty() ? null : all.get(0);
    }

    /**
     * NSQ's GetTopicChannelArgs: topic and channel present and valid, else the matching 400
     * ({@code MISSING_ARG_TOPIC}, {@code INVALID_ARG_TOPIC}, {@code MISSING_ARG_CHANNEL},
     * {@code INVALID_ARG_CHANNEL}) is sent and null returned.
     */
    public static String[] topicChannelArgs(RoutingContext ctx) {
        String topic = param(ctx, "topic");
        if (topic == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return null;
        }
        if (!Names.isValid(topic)) {
            error(ctx, 400, "INVALID_ARG_TOPIC");
            return null;
        }
        String channel = param(ctx, "channel");
        if (channel == null) {
            error(ctx, 400, "MISSING_ARG_CHANNEL");
            return null;
        }
        if (!Names.isValid(channel)) {
            error(ctx, 400, "INVALID_ARG_CHANNEL");
            return null;
        }
        return new String[] {topic, channel};
    }

    /**
     * NSQ's NewReqParams, as a route handler in front of the ones that take parameters: 400
     * {@code INVALID_REQUEST} when Go's url.ParseQuery fails, that is on a {@code '%'} not followed by
     * two hex digits or on any {@code ';'} (no longer a separator since Go 1.17). Netty would split on
     * ';' and Vert.x would fail a bad escape with its own 400.
     */
    public static void parsableQuery(RoutingContext ctx) {
        String q = ctx.request().query();
        if (q != null && !isGoParsableQuery(q)) {
            error(ctx, 400, "INVALID_REQUEST");
            return;
        }
        ctx.next();
    }

    static boolean isGoParsableQuery(String q) {
        if (q.indexOf(';') >= 0) return false;
        for (int i = q.indexOf('%'); i >= 0; i = q.indexOf('%', i + 1)) {
            if (i + 2 >= q.length() || Character.digit(q.charAt(i + 1), 16) < 0 || Character.digit(q.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * HTTP/1.1 only, as NSQ's servers: Vert.x would otherwise accept the h2c upgrade that clients
     * such as the JDK's HttpClient offer, and NSQ tooling expects plain HTTP/1.1 answers.
     */
    public static io.vertx.core.http.HttpServerOptions serverOptions() {
        return new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(false);
    }

    /** Installs NSQ's 404 NOT_FOUND, 405 METHOD_NOT_ALLOWED and 500 INTERNAL_ERROR answers. */
    public static void errorHandlers(io.vertx.ext.web.Router r, org.slf4j.Logger log) {
        r.errorHandler(404, ctx -> error(ctx, 404, "NOT_FOUND"));
        r.errorHandler(405, ctx -> error(ctx, 405, "METHOD_NOT_ALLOWED"));
        r.errorHandler(500, ctx -> {
            log.error("HTTP: internal error on {}", ctx.request().path(), ctx.failure());
            error(ctx, 500, "INTERNAL_ERROR");
        });
    }
}
