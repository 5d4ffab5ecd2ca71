package dev.nsq.it.admin;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for one nsqd's read API ({@code /ping}, {@code /info}, {@code /stats?format=json}) with
 * topics the test sets, for nsqadmin views of nsqd features a single in-process nsqd cannot show:
 * a replicated topic (issue #17) has one leader and followers on different nodes, and its
 * {@code "replication"} object changes as replicas fall out of sync. The topic objects are NSQ's
 * (as {@code NsqdStats} writes them) plus, for replicated ones, {@code "replication"}.
 */
final class NsqdStatsStub implements AutoCloseable {
    final int tcpPort;
    private final HttpServer server;
    private final List<JsonObject> topics = new ArrayList<>();

    /** {@code tcpPort} is only reported (in /info and replication objects), never listened on. */
    NsqdStatsStub(Vertx vertx, int tcpPort) throws Exception {
        this.tcpPort = tcpPort;
        server = AdminFixture.sync(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
    }

    String httpAddress() { return "127.0.0.1:" + server.actualPort(); }

    String tcpAddress() { return "127.0.0.1:" + tcpPort; }

    /** Adds or replaces a topic with {@code messages} published and one channel "ch"; replication null for NSQ's own topics. */
    synchronized void topic(String name, long messages, JsonObject replication) {
        topics.removeIf(t -> t.getString("topic_name").equals(name));
        JsonObject e2e = new JsonObject().put("count", 0).putNull("percentiles");
        JsonObject channel = new JsonObject().put("channel_name", "ch").put("depth", 0).put("backend_depth", 0)
                .put("in_flight_count", 0).put("deferred_count", 0).put("message_count", messages).put("requeue_count", 0)
                .put("timeout_count", 0).put("client_count", 0).put("clients", new JsonArray()).put("paused", false)
                .put("e2e_processing_latency", e2e);
        JsonObject t = new JsonObject().put("topic_name", name).put("channels", new JsonArray().add(channel)).put("depth", 0)
                .put("backend_depth", 0).put("message_count", messages).put("message_bytes", messages * 10).put("paused", false)
                .put("e2e_processing_latency", e2e);
        if (replication != null) t.put("replication", replication);
        topics.add(t);
    }

    static JsonObject replication(long epoch, String leader, List<String> replicas, List<String> inSync) {
        return new JsonObject().put("epoch", epoch).put("leader", leader).put("replicas", new JsonArray(new ArrayList<>(replicas)))
                .put("in_sync", new JsonArray(new ArrayList<>(inSync)));
    }

    private synchronized void handle(HttpServerRequest req) {
        switch (req.path()) {
            case "/ping" -> req.response().end("OK");
            case "/info" -> json(req, new JsonObject().put("version", "1.3.0").put("broadcast_address", "127.0.0.1")
                    .put("hostname", "stub-" + tcpPort).put("http_port", server.actualPort()).put("tcp_port", tcpPort)
                    .put("start_time", 1_700_000_000L));
            case "/stats" -> {
                String only = req.getParam("topic");
                JsonArray ts = new JsonArray();
                for (JsonObject t : topics) if (only == null || only.equals(t.getString("topic_name"))) ts.add(t.copy());
                json(req, new JsonObject().put("version", "1.3.0").put("health", "OK").put("start_time", 1_700_000_000L)
                        .put("topics", ts).put("producers", new JsonArray()));
            }
            default -> req.response().setStatusCode(404).end("{\"message\":\"NOT_FOUND\"}");
        }
    }

    private static void json(HttpServerRequest req, JsonObject body) {
        req.response().putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
    }

    @Override
    public void close() throws Exception { AdminFixture.sync(server.close()); }
}
