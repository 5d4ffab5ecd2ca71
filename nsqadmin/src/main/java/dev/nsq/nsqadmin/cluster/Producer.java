package dev.nsq.nsqadmin.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One nsqd as nsqadmin knows it (NSQ's clusterinfo.Producer): from lookupd's {@code /nodes} or
 * {@code /lookup}, or from an nsqd's own {@code /info}. Its {@link #httpAddress()} is the node's
 * name in every API ("node" fields, {@code /api/nodes/:node}). Built and then read on one event loop.
 */
public final class Producer {
    /** A topic the node has, and whether lookupd has tombstoned it there. */
    public record ProducerTopic(String topic, boolean tombstoned) {}

    public final List<String> remoteAddresses = new ArrayList<>();
    public String remoteAddress = "";
    public String hostname = "";
    public String broadcastAddress = "";
    public int tcpPort;
    public int httpPort;
    public String version = "";
    public final List<ProducerTopic> topics = new ArrayList<>();
    public boolean outOfDate;

    public String httpAddress() { return broadcastAddress + ":" + httpPort; }

    public String tcpAddress() { return broadcastAddress + ":" + tcpPort; }

    /** From a lookupd producer object ({@code /nodes} has topics and tombstones, {@code /lookup} has neither). */
    public static Producer fromLookupd(JsonObject p) {
        Producer r = new Producer();
        r.remoteAddress = p.getString("remote_address", "");
        r.hostname = p.getString("hostname", "");
        r.broadcastAddress = p.getString("broadcast_address", "");
        r.tcpPort = p.getInteger("tcp_port", 0);
        r.httpPort = p.getInteger("http_port", 0);
        r.version = p.getString("version", "");
        JsonArray topics = p.getJsonArray("topics");
        JsonArray tombstones = p.getJsonArray("tombstones");
        if (topics != null) {
            for (int i = 0; i < topics.size(); i++) {
                boolean t = tombstones != null && i < tombstones.size() && Boolean.TRUE.equals(tombstones.getValue(i));
                r.topics.add(new ProducerTopic(topics.getString(i), t));
            }
            r.topics.sort(Comparator.comparing(ProducerTopic::topic));
        }
        return r;
    }

    /**
     * From an nsqd's {@code /info}; {@code addr} (the address nsqadmin was given) fills in what an
     * old nsqd leaves out, as NSQ does.
     */
    public static Producer fromNsqdInfo(String addr, JsonObject info) {
        Producer r = new Producer();
        r.version = info.getString("version", "");
        r.broadcastAddress = info.getString("broadcast_address", "");
        r.hostname = info.getString("hostname", "");
        r.httpPort = info.getInteger("http_port", 0);
        r.tcpPort = info.getInteger("tcp_port", 0);
        int colon = addr.lastIndexOf(':');
        if (r.broadcastAddress.isEmpty() && colon > 0) {
            r.broadcastAddress = addr.substring(0, colon);
            try {
                r.httpPort = Integer.parseInt(addr.substring(colon + 1));
            } catch (NumberFormatException ignored) {
                // keep what /info said
            }
        }
        if (r.hostname.isEmpty()) r.hostname = colon > 0 ? addr.substring(0, colon) : addr;
        return r;
    }

    public JsonObject toJson() {
        JsonArray ts = new JsonArray();
        for (ProducerTopic t : topics) ts.add(new JsonObject().put("topic", t.topic()).put("tombstoned", t.tombstoned()));
        return new JsonObject()
                .put("remote_addresses", remoteAddresses.isEmpty() ? null : new JsonArray(new ArrayList<>(remoteAddresses)))
                .put("remote_address", remoteAddress)
                .put("hostname", hostname)
                .put("broadcast_address", broadcastAddress)
                .put("tcp_port", tcpPort)
                .put("http_port", httpPort)
                .put("version", version)
                .put("topics", topics.isEmpty() ? null : ts)
                .put("out_of_date", outOfDate);
    }
}
