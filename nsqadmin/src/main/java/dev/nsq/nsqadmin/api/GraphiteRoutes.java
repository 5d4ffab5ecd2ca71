package dev.nsq.nsqadmin.api;

import dev.nsq.nsqadmin.cluster.Upstream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * NSQ's optional graphite support, only with {@code --graphite-url}: {@code GET /api/graphite}
 * ({@code metric=rate&target=...}) answers the per-second rate of the last complete statsd interval as
 * {@code {"rate":"x.xx"}} or {@code "N/A"}; with {@code --proxy-graphite}, {@code GET /render} is passed
 * through to graphite. Our own graphs need none of this (they are drawn from sampled /stats).
 */
public final class GraphiteRoutes {
    private final Upstream http;
    private final String graphiteUrl;
    private final boolean proxy;
    private final long statsdIntervalSeconds;

    public GraphiteRoutes(Upstream http, String graphiteUrl, boolean proxy, long statsdIntervalMs) {
        this.http = http;
        this.graphiteUrl = graphiteUrl.endsWith("/") ? graphiteUrl.substring(0, graphiteUrl.length() - 1) : graphiteUrl;
        this.proxy = proxy;
        this.statsdIntervalSeconds = Math.max(1, statsdIntervalMs / 1000);
    }

    public void mount(Router r, String base) {
        if (graphiteUrl.isEmpty()) return;
        r.get(base + "/api/graphite").handler(this::rate);
        if (proxy) r.get(base + "/render").handler(this::render);
    }

    private void rate(RoutingContext ctx) {
        if (!"rate".equals(ctx.request().getParam("metric"))) throw new ApiError(400, "INVALID_ARG_METRIC");
        String target = ctx.request().getParam("target");
        if (target == null) throw new ApiError(400, "INVALID_ARG_TARGET");
        String url = graphiteUrl + "/render?from=-" + (2 * statsdIntervalSeconds) + "sec&until=-" + statsdIntervalSeconds
                + "sec&format=json&target=" + URLEncoder.encode(target, StandardCharsets.UTF_8);
        http.getRaw(url).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(new ApiError(500, "INTERNAL_ERROR"));
                return;
            }
            String rate;
            try {
                JsonArray series = new JsonArray(ar.result());
                JsonArray first = series.getJsonObject(0).getJsonArray("datapoints").getJsonArray(0);
                Number v = first.getValue(0) instanceof Number n ? n : null;
                rate = v == null || v.doubleValue() < 0 ? "N/A" : String.format(java.util.Locale.ROOT, "%.2f", v.doubleValue() / statsdIntervalSeconds);
            } catch (RuntimeException e) {
                ctx.fail(new ApiError(500, "INTERNAL_ERROR"));
                return;
            }
            Reply.json(ctx, 200, new JsonObject().put("rate", rate));
        });
    }

    private void render(RoutingContext ctx) {
        String query = ctx.request().query();
        http.getRaw(graphiteUrl + "/render" + (query == null ? "" : "?" + query)).onComplete(ar -> {
            if (ar.failed()) ctx.fail(new ApiError(502, "UPSTREAM_ERROR: " + ar.cause().getMessage()));
            else ctx.response().putHeader("Content-Type", "application/json").end(ar.result());
        });
    }
}
