package dev.nsq.nsqadmin.api;

import dev.nsq.nsqadmin.cluster.ClusterInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/peek/:topic} and {@code GET /api/peek/:topic/:channel} (ours): the Peek panel's
 * data, the next {@code count} (default 1, at most 100) messages on each nsqd that has the topic,
 * without consuming them. Read-only, so open to every user, like the pages' figures.
 */
public final class PeekRoutes {
    private static final int MAX_COUNT = 100;
    private final ClusterInfo ci;

    public PeekRoutes(ClusterInfo ci) { this.ci = ci; }

    public void mount(Router r, String base) {
        r.get(base + "/api/peek/:topic").handler(ctx -> peek(ctx, null));
        r.get(base + "/api/peek/:topic/:channel").handler(ctx -> peek(ctx, TopicRoutes.validChannel(ctx.pathParam("channel"))));
    }

    private void peek(RoutingContext ctx, String channel) {
        String topic = TopicRoutes.validTopic(ctx.pathParam("topic"));
        int count = count(ctx.request().getParam("count"));
        Reply.answer(ctx, ci.peek(topic, channel, count), p -> new JsonObject()
                .put("nodes", new JsonArray(p.value()))
                .put("message", Reply.warning(p.errors())));
    }

    private static int count(String v) {
        if (v == null) return 1;
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) return Math.min(n, MAX_COUNT);
        } catch (NumberFormatException ignored) {
        }
        throw new ApiError(400, "INVALID_COUNT");
    }
}
