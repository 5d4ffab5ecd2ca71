package dev.nsq.nsqadmin.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The JSON object an action's request carries ({@code {"action": "pause"}}, {@code {"topic": "t"}}). */
final class RequestBody {
    private RequestBody() {}

    /** The body as an object; 400 {@code INVALID_BODY} when it is not one (NSQ answers the decoder's error there). */
    static JsonObject object(RoutingContext ctx) {
        Buffer b = ctx.body() == null ? null : ctx.body().buffer();
        if (b == null || b.length() == 0) throw new ApiError(400, "INVALID_BODY");
        try {
            Object v = new JsonObject(b);
            return (JsonObject) v;
        } catch (DecodeException | ClassCastException e) {
            throw new ApiError(400, "INVALID_BODY");
        }
    }

    /** A string field, "" when absent; 400 {@code INVALID_BODY} when it is not a string. */
    static String string(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (v == null) return "";
        if (!(v instanceof String s)) throw new ApiError(400, "INVALID_BODY");
        return s;
    }
}
