package dev.nsq.nsqadmin.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A topic's figures on one node (with that node's channels), or summed over every node that has it
 * (then {@code node} is {@code "*"}, {@link #nodes} holds the per-node figures and {@link #channels}
 * the channels summed over nodes), as NSQ's clusterinfo.TopicStats.
 */
public final class TopicStats {
    public String node = "";
    public String hostname = "";
    public String topicName = "";
    public long depth;
    public long memoryDepth;
    public long backendDepth;
    public long messageCount;
    public boolean paused;
    /** Bytes held against nsqd's --max-bytes-per-queue (ours): summed; the bound is per node. Null when not reported. */
    public Long heldBytes;
    public Long maxBytes;
    /** The node's {@code broadcast_address:tcp_port}, as replication objects name nodes; "" when unknown. */
    public String tcpAddress = "";
    /**
     * Replicated topics (ours, nsqd {@code --replication-factor}): on a node, its nsqd's own
     * {@code "replication"} object; on a total, the view of the highest epoch plus
     * {@code under_replicated}. Null for NSQ's unreplicated topics, which then keep NSQ's JSON.
     */
    public JsonObject replication;
    /** On a node of a replicated topic: leader, follower or stale_leader (names itself leader at an older epoch). */
    public String role;
    public final List<TopicStats> nodes = new ArrayList<>();
    public final List<ChannelStats> channels = new ArrayList<>();
    E2eLatency e2e;

    /** From one topic object of an nsqd's {@code /stats?format=json}. */
    public static TopicStats fromNode(JsonObject t, String node, String hostname, long nowSeconds) {
        TopicStats s = new TopicStats();
        s.node = node;
        s.hostname = hostname;
        s.topicName = t.getString("topic_name", "");
        s.depth = t.getLong("depth", 0L);
        s.backendDepth = t.getLong("backend_depth", 0L);
        s.memoryDepth = s.depth - s.backendDepth;
        s.messageCount = t.getLong("message_count", 0L);
        s.paused = t.getBoolean("paused", false);
        s.heldBytes = t.getLong("held_bytes");
        s.maxBytes = t.getLong("max_bytes");
        JsonObject r = t.getJsonObject("replication");
        s.replication = r == null ? null : r.copy();
        JsonArray cs = t.getJsonArray("channels");
        if (cs != null) {
            for (int i = 0; i < cs.size(); i++)
                s.channels.add(ChannelStats.fromNode(cs.getJsonObject(i), s.topicName, node, hostname, nowSeconds));
        }
        s.e2e = E2eLatency.fromNode(t.getJsonObject("e2e_processing_latency"), s.topicName, "", node);
        return s;
    }

    /**
     * The topic summed over the given per-node figures; channels summed by name. A replicated
     * topic's copies on followers hold the same messages as the leader's, so its figures are the
     * leader's alone (all nodes' when no node answering is the leader); every node stays in
     * {@link #nodes} with its role.
     */
    public static TopicStats total(String topic, List<TopicStats> perNode) {
        TopicStats t = new TopicStats();
        t.node = "*";
        t.topicName = topic;
        t.e2e = new E2eLatency(topic, "", "*");
        JsonObject view = newestView(perNode);
        String leader = view == null ? null : view.getString("leader", "");
        boolean leaderAnswered = leader != null && perNode.stream().anyMatch(n -> leader.equals(n.tcpAddress));
        if (view != null) {
            t.replication = summary(view);
            for (TopicStats n : perNode) {
                if (n.replication == null) continue;
                boolean claims = n.tcpAddress.equals(n.replication.getString("leader"));
                n.role = n.tcpAddress.equals(leader) ? "leader" : claims ? "stale_leader" : "follower";
            }
        }
        Map<String, ChannelStats> byName = new LinkedHashMap<>();
        for (TopicStats n : perNode) {
            t.nodes.add(n);
            if (leaderAnswered && !leader.equals(n.tcpAddress)) continue;
            t.depth += n.depth;
            t.memoryDepth += n.memoryDepth;
            t.backendDepth += n.backendDepth;
            t.messageCount += n.messageCount;
            t.paused |= n.paused;
            if (n.heldBytes != null) t.heldBytes = (t.heldBytes == null ? 0 : t.heldBytes) + n.heldBytes;
            if (n.maxBytes != null) t.maxBytes = Math.max(t.maxBytes == null ? 0 : t.maxBytes, n.maxBytes);
            t.e2e.add(n.e2e);
            for (ChannelStats c : n.channels)
                byName.computeIfAbsent(c.channelName, k -> ChannelStats.total(topic, k)).add(c);
        }
        t.nodes.sort(Comparator.comparing((TopicStats s) -> s.hostname).thenComparing(s -> s.node));
        t.channels.addAll(byName.values());
        t.channels.sort(Comparator.comparing(c -> c.channelName));
        return t;
    }

    /**
     * The replication view of the highest epoch among the nodes; at equal epochs the one a node
     * gives of itself as leader (it knows its in-sync set first hand). Null when no node replicates the topic.
     */
    static JsonObject newestView(List<TopicStats> perNode) {
        JsonObject best = null;
        boolean bestSelf = false;
        for (TopicStats n : perNode) {
            if (n.replication == null) continue;
            long epoch = n.replication.getLong("epoch", -1L);
            boolean self = n.tcpAddress.equals(n.replication.getString("leader"));
            long bestEpoch = best == null ? Long.MIN_VALUE : best.getLong("epoch", -1L);
            if (best == null || epoch > bestEpoch || (epoch == bestEpoch && self && !bestSelf)) {
                best = n.replication;
                bestSelf = self;
            }
        }
        return best;
    }

    /** nsqd's replication object plus {@code under_replicated}: fewer replicas in sync than there are replicas. */
    static JsonObject summary(JsonObject view) {
        JsonArray replicas = view.getJsonArray("replicas", new JsonArray());
        JsonArray inSync = view.getJsonArray("in_sync", new JsonArray());
        return new JsonObject().put("epoch", view.getLong("epoch", -1L)).put("leader", view.getString("leader", ""))
                .put("replicas", replicas.copy()).put("in_sync", inSync.copy())
                .put("under_replicated", inSync.size() < replicas.size());
    }

    /** Messages waiting in this topic's channels plus in flight, the figures the Streams page sums. */
    public long channelInFlight() { return channels.stream().mapToLong(c -> c.inFlightCount).sum(); }

    public long channelDeferred() { return channels.stream().mapToLong(c -> c.deferredCount).sum(); }

    public long channelDepth() { return channels.stream().mapToLong(c -> c.depth).sum(); }

    public long clientCount() { return channels.stream().mapToLong(c -> c.clientCount).sum(); }

    public JsonObject toJson() {
        JsonArray ns = null;
        if (!nodes.isEmpty()) {
            ns = new JsonArray();
            for (TopicStats n : nodes) ns.add(n.toJson());
        }
        JsonArray cs = new JsonArray();
        for (ChannelStats c : channels) cs.add(c.toJson());
        JsonObject j = new JsonObject()
                .put("node", node)
                .put("hostname", hostname)
                .put("topic_name", topicName)
                .put("depth", depth)
                .put("memory_depth", memoryDepth)
                .put("backend_depth", backendDepth)
                .put("message_count", messageCount)
                .put("nodes", ns)
                .put("channels", cs)
                .put("paused", paused)
                .put("e2e_processing_latency", e2e.toJson());
        if (heldBytes != null) j.put("held_bytes", heldBytes).put("max_bytes", maxBytes);
        if (replication != null) {
            j.put("replication", replication.copy());
            if (!node.equals("*")) {
                boolean self = tcpAddress.equals(replication.getString("leader"));
                j.put("role", role != null ? role : self ? "leader" : "follower").put("tcp_address", tcpAddress);
            }
        }
        return j;
    }
}
