package dev.nsq.nsqadmin.api;

import dev.nsq.nsqadmin.cluster.ChannelStats;
import dev.nsq.nsqadmin.cluster.ClusterInfo;
import dev.nsq.nsqadmin.cluster.Partial;
import dev.nsq.nsqadmin.cluster.Producer;
import dev.nsq.nsqadmin.cluster.TopicStats;
import dev.nsq.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/topics...}: the Streams, Topic, Channel and Lookup pages' data and their actions,
 * with NSQ's shapes (a TopicStats or ChannelStats summed over nodes, plus {@code "message"}).
 */
public final class TopicRoutes {
    private final ClusterInfo ci;
    private final AdminActions admin;

    public TopicRoutes(ClusterInfo ci, AdminActions admin) {
        this.ci = ci;
        this.admin = admin;
    }

    public void mount(Router r, String base) {
        r.get(base + "/api/topics").handler(this::list);
        r.post(base + "/api/topics").handler(this::create);
        r.get(base + "/api/topics/:topic").handler(this::topic);
        r.post(base + "/api/topics/:topic").handler(this::topicAction);
        r.delete(base + "/api/topics/:topic").handler(this::deleteTopic);
        r.get(base + "/api/topics/:topic/:channel").handler(this::channel);
        r.post(base + "/api/topics/:topic/:channel").handler(this::channelAction);
        r.delete(base + "/api/topics/:topic/:channel").handler(this::deleteChannel);
    }

    /** Topic names; with {@code ?inactive=true} (lookupd only) topic -> channels for topics without producers. */
    private void list(RoutingContext ctx) {
        if ("true".equals(ctx.request().getParam("inactive"))) {
            Reply.answer(ctx, inactive(), p -> new JsonObject().put("topics", p.value()).put("message", Reply.warning(p.errors())));
            return;
        }
        Reply.answer(ctx, ci.topics(), p -> new JsonObject()
                .put("topics", new JsonArray(new ArrayList<>(p.value())))
                .put("message", Reply.warning(p.errors())));
    }

    private Future<Partial<JsonObject>> inactive() {
        if (!ci.usesLookupd()) return Future.succeededFuture(Partial.of(new JsonObject()));
        return ci.topics().compose(topics -> {
            Map<String, Future<Partial<List<String>>>> channelsOfIdle = new LinkedHashMap<>();
            List<Future<?>> all = new ArrayList<>();
            for (String t : topics.value()) {
                Future<Partial<List<String>>> f = ci.lookupdTopicProducers(t).compose(prods -> prods.value().isEmpty()
                        ? ci.lookupdTopicChannels(t).map(ch -> ch.withErrors(prods.errors()))
                        : Future.succeededFuture(new Partial<List<String>>(null, prods.errors())));
                channelsOfIdle.put(t, f);
                all.add(f);
            }
            return Future.join(all).transform(ignored -> {
                JsonObject out = new JsonObject();
                List<String> errors = new ArrayList<>(topics.errors());
                channelsOfIdle.forEach((t, f) -> {
                    if (f.failed()) {
                        errors.add(f.cause().getMessage());
                    } else {
                        errors.addAll(f.result().errors());
                        if (f.result().value() != null) out.put(t, new JsonArray(new ArrayList<>(f.result().value())));
                    }
                });
                return Future.succeededFuture(new Partial<>(out, errors));
            });
        });
    }

    private void topic(RoutingContext ctx) {
        String topic = validTopic(ctx.pathParam("topic"));
        Reply.answer(ctx, statsOf(topic, false), p -> {
            JsonObject j = TopicStats.total(topic, p.value()).toJson();
            return j.put("message", Reply.warning(p.errors()));
        });
    }

    private void channel(RoutingContext ctx) {
        String topic = validTopic(ctx.pathParam("topic"));
        String channel = validChannel(ctx.pathParam("channel"));
        Reply.answer(ctx, statsOf(topic, true), p -> {
            JsonObject j = ChannelStats.aggregate(topic, channel, p.value()).toJson();
            return j.put("message", Reply.warning(p.errors()));
        });
    }

    /** The topic's per-node figures from every nsqd that has it. */
    private Future<Partial<List<TopicStats>>> statsOf(String topic, boolean clients) {
        return ci.topicProducers(topic).compose(prods -> ci.nsqdStats(prods.value(), topic, clients)
                .map(s -> s.withErrors(prods.errors())));
    }

    private void create(RoutingContext ctx) {
        admin.requireAdmin(ctx);
        JsonObject body = RequestBody.object(ctx);
        String topic = RequestBody.string(body, "topic");
        String channel = RequestBody.string(body, "channel");
        if (!Names.isValid(topic)) throw new ApiError(400, "INVALID_TOPIC");
        if (!channel.isEmpty() && !Names.isValid(channel)) throw new ApiError(400, "INVALID_CHANNEL");
        Reply.answer(ctx, ci.createTopicChannel(topic, channel), errs -> {
            admin.notify("create_topic", topic, "", "", ctx);
            if (!channel.isEmpty()) admin.notify("create_channel", topic, channel, "", ctx);
            return new JsonObject().put("message", Reply.warning(errs));
        });
    }

    private void topicAction(RoutingContext ctx) {
        admin.requireAdmin(ctx);
        String topic = validTopic(ctx.pathParam("topic"));
        String action = RequestBody.string(RequestBody.object(ctx), "action");
        Future<List<String>> done = switch (action) {
            case "pause" -> ci.pauseTopic(topic, true);
            case "unpause" -> ci.pauseTopic(topic, false);
            case "empty" -> ci.emptyTopic(topic);
            default -> throw new ApiError(400, "INVALID_ACTION");
        };
        Reply.answer(ctx, done, errs -> {
            admin.notify(action + "_topic", topic, "", "", ctx);
            return new JsonObject().put("message", Reply.warning(errs));
        });
    }

    private void channelAction(RoutingContext ctx) {
        admin.requireAdmin(ctx);
        String topic = validTopic(ctx.pathParam("topic"));
        String channel = validChannel(ctx.pathParam("channel"));
        String action = RequestBody.string(RequestBody.object(ctx), "action");
        Future<List<String>> done = switch (action) {
            case "pause" -> ci.pauseChannel(topic, channel, true);
            case "unpause" -> ci.pauseChannel(topic, channel, false);
            case "empty" -> ci.emptyChannel(topic, channel);
            default -> throw new ApiError(400, "INVALID_ACTION");
        };
        Reply.answer(ctx, done, errs -> {
            admin.notify(action + "_channel", topic, channel, "", ctx);
            return new JsonObject().put("message", Reply.warning(errs));
        });
    }

    private void deleteTopic(RoutingContext ctx) {
        admin.requireAdmin(ctx);
        String topic = validTopic(ctx.pathParam("topic"));
        Reply.answer(ctx, ci.deleteTopic(topic), errs -> {
            admin.notify("delete_topic", topic, "", "", ctx);
            return new JsonObject().put("message", Reply.warning(errs));
        });
    }

    private void deleteChannel(RoutingContext ctx) {
        admin.requireAdmin(ctx);
        String topic = validTopic(ctx.pathParam("topic"));
        String channel = validChannel(ctx.pathParam("channel"));
        Reply.answer(ctx, ci.deleteChannel(topic, channel), errs -> {
            admin.notify("delete_channel", topic, channel, "", ctx);
            return new JsonObject().put("message", Reply.warning(errs));
        });
    }

    static String validTopic(String t) {
        if (!Names.isValid(t)) throw new ApiError(400, "INVALID_TOPIC");
        return t;
    }

    static String validChannel(String c) {
        if (!Names.isValid(c)) throw new ApiError(400, "INVALID_CHANNEL");
        return c;
    }
}
