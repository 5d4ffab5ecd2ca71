package dev.nsq.nsqadmin.live;

import dev.nsq.nsqadmin.api.Reply;
import dev.nsq.nsqadmin.cluster.ChannelStats;
import dev.nsq.nsqadmin.cluster.ClusterInfo;
import dev.nsq.nsqadmin.cluster.TopicStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Samples every nsqd's {@code /stats} each {@code --stats-sample-interval}, keeps
 * {@code --stats-history} of it per topic and channel, and hands each new snapshot (figures now,
 * rates from the last two samples, graph series) to its listeners, which push it to open pages.
 * NSQ's nsqadmin has no such thing (its pages poll); ours pushes. Samples never overlap: a slow
 * cluster makes samples rarer, not concurrent. State is guarded by this object's monitor because
 * HTTP callbacks may complete on other event loops.
 */
public final class StatsSampler {
    private static final Logger log = LoggerFactory.getLogger(StatsSampler.class);
    /** Graph points per series sent to pages; longer histories are averaged into this many. */
    static final int MAX_GRAPH_POINTS = 60;

    private final Vertx vertx;
    private final ClusterInfo ci;
    private final long intervalMs;
    private final long historyMs;
    private final Map<String, Series> series = new HashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private long timerId = -1;
    private boolean sampling;
    private String latest;
    private String lastProblem = "";

    public StatsSampler(Vertx vertx, ClusterInfo ci, long intervalMs, long historyMs) {
        this.vertx = vertx;
        this.ci = ci;
        this.intervalMs = intervalMs;
        this.historyMs = historyMs;
    }

    public synchronized void start() {
        if (timerId >= 0) return;
        timerId = vertx.setPeriodic(0, intervalMs, id -> sample());
    }

    public synchronized void stop() {
        if (timerId >= 0) vertx.cancelTimer(timerId);
        timerId = -1;
        listeners.clear();
    }

    /** The last snapshot as JSON text, null before the first sample completed. */
    public synchronized String latest() { return latest; }

    public void addListener(Consumer<String> l) { listeners.add(l); }

    public void removeListener(Consumer<String> l) { listeners.remove(l); }

    /** One sample now (also what the timer runs); completes when listeners have been told. */
    public Future<Void> sample() {
        synchronized (this) {
            if (sampling) return Future.succeededFuture();
            sampling = true;
        }
        long at = System.currentTimeMillis();
        return ci.producers()
                .compose(prods -> ci.nsqdStats(prods.value(), null, false).map(s -> s.withErrors(prods.errors())))
                .transform(ar -> {
                    String snap;
                    synchronized (this) {
                        sampling = false;
                        snap = ar.succeeded()
                                ? record(at, ar.result().value(), Reply.warning(ar.result().errors())).encode()
                                : failedSnapshot(at, "UPSTREAM_ERROR: " + ar.cause().getMessage()).encode();
                        latest = snap;
                    }
                    logChange(ar.failed() ? "failed to query any node - " + ar.cause().getMessage()
                            : String.join("; ", ar.result().errors()));
                    for (Consumer<String> l : listeners) l.accept(snap);
                    return Future.succeededFuture();
                });
    }

    /** Logs a node going down or coming back once, not on every sample. */
    private synchronized void logChange(String problem) {
        if (problem.equals(lastProblem)) return;
        if (problem.isEmpty()) log.info("SAMPLER: every node answers again");
        else log.warn("SAMPLER: {}", problem);
        lastProblem = problem;
    }

    private JsonObject failedSnapshot(long at, String message) {
        return header(at, message).put("topics", new JsonArray());
    }

    private JsonObject header(long at, String message) {
        return new JsonObject().put("ts", at).put("interval_ms", intervalMs).put("history_ms", historyMs)
                .put("message", message);
    }

    /** Adds one sample to the history and builds the snapshot pages draw. */
    private JsonObject record(long at, List<TopicStats> perNode, String message) {
        Map<String, List<TopicStats>> byTopic = new TreeMap<>();
        for (TopicStats t : perNode) byTopic.computeIfAbsent(t.topicName, k -> new ArrayList<>()).add(t);
        JsonArray topics = new JsonArray();
        long published = 0, processed = 0, depth = 0, inFlight = 0;
        for (Map.Entry<String, List<TopicStats>> e : byTopic.entrySet()) {
            TopicStats total = TopicStats.total(e.getKey(), e.getValue());
            published += total.messageCount;
            depth += total.depth + total.channelDepth();
            inFlight += total.channelInFlight();
            for (ChannelStats c : total.channels) processed += c.messageCount;
            topics.add(topicJson(at, total));
        }
        Series all = point("*", new Series.Point(at, processed, depth, inFlight));
        Series pub = point("*p", new Series.Point(at, published, depth, inFlight));
        series.values().removeIf(s -> s.lastSeenMs() < at - historyMs);
        return header(at, message)
                .put("topics", topics)
                .put("total_published", published)
                .put("total_processed", processed)
                .put("published_rate", round(pub.rate()))
                .put("processed_rate", round(all.rate()))
                .put("processed_rates", toArray(all.rates(MAX_GRAPH_POINTS)))
                .put("published_rates", toArray(pub.rates(MAX_GRAPH_POINTS)));
    }

    private JsonObject topicJson(long at, TopicStats t) {
        // a topic's graphed depth is its whole backlog: the topic's own queue plus its channels'
        Series s = point("t/" + t.topicName, new Series.Point(at, t.messageCount, t.depth + t.channelDepth(), t.channelInFlight()));
        JsonArray nodes = new JsonArray();
        for (TopicStats n : t.nodes) {
            Series ns = point("n/" + t.topicName + "@" + n.node, new Series.Point(at, n.messageCount, n.depth, n.channelInFlight()));
            nodes.add(new JsonObject().put("node", n.node).put("hostname", n.hostname)
                    .put("depth", n.depth).put("memory_depth", n.memoryDepth).put("backend_depth", n.backendDepth)
                    .put("message_count", n.messageCount).put("paused", n.paused).put("rate", round(ns.rate()))
                    .put("channel_count", n.channels.size())
                    .put("in_flight", n.channelInFlight()).put("deferred", n.channelDeferred()));
            if (n.role != null) nodes.getJsonObject(nodes.size() - 1).put("role", n.role).put("tcp_address", n.tcpAddress);
        }
        JsonArray channels = new JsonArray();
        for (ChannelStats c : t.channels) {
            Series cs = point("c/" + t.topicName + "/" + c.channelName, new Series.Point(at, c.messageCount, c.depth, c.inFlightCount));
            JsonObject cj = new JsonObject().put("channel_name", c.channelName)
                    .put("depth", c.depth).put("memory_depth", c.memoryDepth).put("backend_depth", c.backendDepth)
                    .put("in_flight_count", c.inFlightCount).put("deferred_count", c.deferredCount)
                    .put("requeue_count", c.requeueCount).put("timeout_count", c.timeoutCount)
                    .put("message_count", c.messageCount).put("client_count", c.clientCount)
                    .put("paused", c.paused).put("rate", round(cs.rate()))
                    .put("rates", toArray(cs.rates(MAX_GRAPH_POINTS))).put("depths", toArray(cs.depths(MAX_GRAPH_POINTS)));
            if (c.deadLetterCount != null) cj.put("dead_letter_count", c.deadLetterCount);
            channels.add(cj);
        }
        JsonObject topic = new JsonObject().put("topic_name", t.topicName)
                .put("depth", t.depth).put("memory_depth", t.memoryDepth).put("backend_depth", t.backendDepth)
                .put("message_count", t.messageCount).put("paused", t.paused)
                .put("channel_depth", t.channelDepth()).put("in_flight", t.channelInFlight())
                .put("deferred", t.channelDeferred()).put("client_count", t.clientCount())
                .put("node_count", t.nodes.size())
                .put("rate", round(s.rate()))
                .put("rates", toArray(s.rates(MAX_GRAPH_POINTS))).put("depths", toArray(s.depths(MAX_GRAPH_POINTS)))
                .put("nodes", nodes).put("channels", channels);
        // ours: replicated topics only (nsqd --replication-factor)
        if (t.replication != null) topic.put("replication", t.replication.copy());
        return topic;
    }

    private Series point(String key, Series.Point p) {
        Series s = series.computeIfAbsent(key, k -> new Series());
        s.add(p, historyMs);
        return s;
    }

    private static JsonArray toArray(double[] v) {
        JsonArray a = new JsonArray();
        for (double d : v) a.add(d);
        return a;
    }

    private static double round(double d) { return Math.round(d * 100) / 100.0; }
}
