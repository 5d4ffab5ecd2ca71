package dev.nsq.nsqadmin.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * End-to-end processing latency of a topic or channel, per node or summed over nodes (NSQ's
 * quantile.E2eProcessingLatencyAggregate): for each quantile the min, max and count-weighted average
 * of the nodes' values. Values are nanoseconds, as nsqd reports them.
 */
public final class E2eLatency {
    private static final class Pct {
        final double quantile;
        double count, min, max, average;

        Pct(double quantile) { this.quantile = quantile; }
    }

    long count;
    private final List<Pct> percentiles = new ArrayList<>();
    private final String topic, channel, host;

    E2eLatency(String topic, String channel, String host) {
        this.topic = topic;
        this.channel = channel;
        this.host = host;
    }

    /** From a node's {@code e2e_processing_latency} object ({@code {"count","percentiles":[{quantile,value}]}}). */
    static E2eLatency fromNode(JsonObject o, String topic, String channel, String host) {
        E2eLatency e = new E2eLatency(topic, channel, host);
        if (o == null) return e;
        e.count = o.getLong("count", 0L);
        JsonArray ps = o.getJsonArray("percentiles");
        if (ps != null) {
            for (int i = 0; i < ps.size(); i++) {
                JsonObject p = ps.getJsonObject(i);
                Pct x = new Pct(p.getDouble("quantile", 0.0));
                double v = p.getDouble("value", 0.0);
                x.min = x.max = x.average = v;
                x.count = e.count;
                e.percentiles.add(x);
            }
        }
        return e;
    }

    void add(E2eLatency other) {
        count += other.count;
        for (Pct o : other.percentiles) {
            Pct mine = percentiles.stream().filter(p -> p.quantile == o.quantile).findFirst().orElse(null);
            if (mine == null) {
                mine = new Pct(o.quantile);
                mine.min = o.min;
                percentiles.add(mine);
            }
            double total = mine.count + o.count;
            mine.average = total == 0 ? o.average : (mine.average * mine.count + o.average * o.count) / total;
            mine.count = total;
            mine.min = Math.min(mine.min, o.min);
            mine.max = Math.max(mine.max, o.max);
        }
        percentiles.sort(Comparator.comparingDouble((Pct p) -> p.quantile).reversed());
    }

    JsonObject toJson() {
        JsonArray ps = null;
        if (!percentiles.isEmpty()) {
            ps = new JsonArray();
            for (Pct p : percentiles) {
                ps.add(new JsonObject().put("quantile", p.quantile).put("value", p.average)
                        .put("count", p.count).put("min", p.min).put("max", p.max).put("average", p.average));
            }
        }
        return new JsonObject().put("count", count).put("percentiles", ps)
                .put("topic", topic).put("channel", channel).put("host", host);
    }
}
