package dev.nsq.nsqadmin.cluster;

import dev.nsq.protocol.DeadLetterTopic;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A channel's figures on one node, or summed over every node that has it (then {@code node} is
 * {@code "*"} and {@link #nodes} holds the per-node figures), as NSQ's clusterinfo.ChannelStats.
 */
public final class ChannelStats {
    public String node = "";
    public String hostname = "";
    public String topicName = "";
    public String channelName = "";
    public long depth;
    public long memoryDepth;
    public long backendDepth;
    public long inFlightCount;
    public long deferredCount;
    public long requeueCount;
    public long timeoutCount;
    public long messageCount;
    public long clientCount;
    public boolean paused;
    /** Sent to the dead-letter topic (nsqd --max-attempts, ours); null when no node reports it. */
    public Long deadLetterCount;
    /** Bytes held against nsqd's --max-bytes-per-queue (ours): summed; the bound is per node. Null when not reported. */
    public Long heldBytes;
    public Long maxBytes;
    public final List<ChannelStats> nodes = new ArrayList<>();
    public final List<ClientStats> clients = new ArrayList<>();
    E2eLatency e2e;

    static ChannelStats fromNode(JsonObject c, String topic, String node, String hostname, long nowSeconds) {
        ChannelStats s = new ChannelStats();
        s.node = node;
        s.hostname = hostname;
        s.topicName = topic;
        s.channelName = c.getString("channel_name", "");
        s.depth = c.getLong("depth", 0L);
        s.backendDepth = c.getLong("backend_depth", 0L);
        s.memoryDepth = s.depth - s.backendDepth;
        s.inFlightCount = c.getLong("in_flight_count", 0L);
        s.deferredCount = c.getLong("deferred_count", 0L);
        s.requeueCount = c.getLong("requeue_count", 0L);
        s.timeoutCount = c.getLong("timeout_count", 0L);
        s.messageCount = c.getLong("message_count", 0L);
        s.paused = c.getBoolean("paused", false);
        s.deadLetterCount = c.getLong("dead_letter_count");
        s.heldBytes = c.getLong("held_bytes");
        s.maxBytes = c.getLong("max_bytes");
        JsonArray cl = c.getJsonArray("clients");
        if (cl != null) {
            for (int i = 0; i < cl.size(); i++) s.clients.add(ClientStats.fromNode(cl.getJsonObject(i), node, nowSeconds));
        }
        s.clientCount = c.getLong("client_count", (long) s.clients.size());
        s.e2e = E2eLatency.fromNode(c.getJsonObject("e2e_processing_latency"), topic, s.channelName, node);
        return s;
    }

    /** An empty total for a channel, to {@link #add} each node's figures into. */
    static ChannelStats total(String topic, String channel) {
        ChannelStats s = new ChannelStats();
        s.node = "*";
        s.topicName = topic;
        s.channelName = channel;
        s.e2e = new E2eLatency(topic, channel, "*");
        return s;
    }

    /** One channel of a topic summed over the given per-node topic figures (nodes without it are skipped). */
    public static ChannelStats aggregate(String topic, String channel, List<TopicStats> perNode) {
        ChannelStats t = total(topic, channel);
        for (TopicStats n : perNode) {
            for (ChannelStats c : n.channels) if (c.channelName.equals(channel)) t.add(c);
        }
        return t;
    }

    void add(ChannelStats a) {
        depth += a.depth;
        memoryDepth += a.memoryDepth;
        backendDepth += a.backendDepth;
        inFlightCount += a.inFlightCount;
        deferredCount += a.deferredCount;
        requeueCount += a.requeueCount;
        timeoutCount += a.timeoutCount;
        messageCount += a.messageCount;
        clientCount += a.clientCount;
        paused |= a.paused;
        if (a.deadLetterCount != null) deadLetterCount = (deadLetterCount == null ? 0 : deadLetterCount) + a.deadLetterCount;
        if (a.heldBytes != null) heldBytes = (heldBytes == null ? 0 : heldBytes) + a.heldBytes;
        if (a.maxBytes != null) maxBytes = Math.max(maxBytes == null ? 0 : maxBytes, a.maxBytes);
        nodes.add(a);
        nodes.sort(Comparator.comparing((ChannelStats c) -> c.hostname).thenComparing(c -> c.node));
        e2e.add(a.e2e);
        clients.addAll(a.clients);
        clients.sort(Comparator.comparing((ClientStats c) -> c.hostname).thenComparing(c -> c.remoteAddress));
    }

    public JsonObject toJson() {
        JsonArray ns = null;
        if (!nodes.isEmpty()) {
            ns = new JsonArray();
            for (ChannelStats n : nodes) ns.add(n.toJson());
        }
        JsonArray cs = new JsonArray();
        for (ClientStats c : clients) cs.add(c.toJson());
        JsonObject j = new JsonObject()
                .put("node", node)
                .put("hostname", hostname)
                .put("topic_name", topicName)
                .put("channel_name", channelName)
                .put("depth", depth)
                .put("memory_depth", memoryDepth)
                .put("backend_depth", backendDepth)
                .put("in_flight_count", inFlightCount)
                .put("deferred_count", deferredCount)
                .put("requeue_count", requeueCount)
                .put("timeout_count", timeoutCount)
                .put("message_count", messageCount)
                .put("client_count", clientCount)
                .put("nodes", ns)
                .put("clients", cs)
                .put("paused", paused)
                .put("e2e_processing_latency", e2e.toJson());
        if (deadLetterCount != null) {
            j.put("dead_letter_count", deadLetterCount).put("dead_letter_topic", DeadLetterTopic.of(topicName, channelName));
        }
        if (heldBytes != null) j.put("held_bytes", heldBytes).put("max_bytes", maxBytes);
        return j;
    }
}
