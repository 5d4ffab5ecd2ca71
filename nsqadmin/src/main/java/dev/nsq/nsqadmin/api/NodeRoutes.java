package dev.nsq.nsqadmin.api;

import dev.nsq.nsqadmin.cluster.ChannelStats;
import dev.nsq.nsqadmin.cluster.ClusterInfo;
import dev.nsq.nsqadmin.cluster.Producer;
import dev.nsq.nsqadmin.cluster.TopicStats;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/** {@code /api/nodes...} and {@code /api/counter}: the Nodes, Node and Counter pages' data, and tombstoning. */
public final class NodeRoutes {
    private final ClusterInfo ci;
    private final AdminActions admin;

    public NodeRoutes(ClusterInfo ci, AdminActions admin) {
        this.ci = ci;
        this.admin = admin;
    }

    public void mount(Router r, String base) {
        r.get(base + "/api/nodes").handler(this::nodes);
        r.get(base + "/api/nodes/:node").handler(this::node);
        r.delete(base + "/api/nodes/:node").handler(this::tombstone);
        r.get(base + "/api/counter").handler(this::counter);
    }

    private void nodes(RoutingContext ctx) {
        Reply.answer(ctx, ci.producers(), p -> {
            JsonArray nodes = new JsonArray();
            for (Producer n : p.value()) nodes.add(n.toJson());
            return new JsonObject().put("nodes", nodes).put("message", Reply.warning(p.errors()));
        });
    }

    /** One node's topics with their channels and clients; 404 {@code NODE_NOT_FOUND} for a node nobody knows. */
    private void node(RoutingContext ctx) {
        String node = ctx.pathParam("node");
        Future<JsonObject> f = ci.producers().compose(prods -> {
            Producer p = prods.value().stream().filter(x -> x.httpAddress().equals(node)).findFirst().orElse(null);
            if (p == null) return Future.failedFuture(new ApiError(404, "NODE_NOT_FOUND"));
            return ci.nsqdStats(List.of(p), null, true).map(stats -> {
                long clients = 0, messages = 0;
                JsonArray topics = new JsonArray();
                for (TopicStats t : stats.value()) {
                    for (ChannelStats c : t.channels) clients += c.clients.size();
                    messages += t.messageCount;
                    topics.add(t.toJson());
                }
                List<String> errors = new java.util.ArrayList<>(prods.errors());
                errors.addAll(stats.errors());
                return new JsonObject().put("node", node).put("topics", topics)
                        .put("total_messages", messages).put("total_clients", clients)
                        .put("message", Reply.warning(errors));
            });
        });
        Reply.answer(ctx, f, j -> j);
    }

    /** Hides the node from lookupd for the topic and deletes the topic on that node (NSQ's tombstone). */
    private void tombstone(RoutingContext ctx) {
        admin.requireAdmin(ctx);
        String node = ctx.pathParam("node");
        String topic = TopicRoutes.validTopic(RequestBody.string(RequestBody.object(ctx), "topic"));
        Reply.answer(ctx, ci.tombstoneNodeForTopic(topic, node), errs -> {
            admin.notify("tombstone_topic_producer", topic, "", node, ctx);
            return new JsonObject().put("message", Reply.warning(errs));
        });
    }

    /** Every channel's message count on every node, keyed {@code topic:channel:node} (NSQ's counterStats). */
    private void counter(RoutingContext ctx) {
        Future<JsonObject> f = ci.producers().compose(prods -> ci.nsqdStats(prods.value(), null, false).map(stats -> {
            JsonObject out = new JsonObject();
            for (TopicStats t : stats.value()) {
                for (ChannelStats c : t.channels) {
                    out.put(c.topicName + ":" + c.channelName + ":" + c.node, new JsonObject()
                            .put("node", c.node).put("topic_name", c.topicName)
                            .put("channel_name", c.channelName).put("message_count", c.messageCount));
                }
            }
            List<String> errors = new java.util.ArrayList<>(prods.errors());
            errors.addAll(stats.errors());
            return new JsonObject().put("stats", out).put("message", Reply.warning(errors));
        }));
        Reply.answer(ctx, f, j -> j);
    }
}
