package dev.nsq.it.admin;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for nsqlookupd's HTTP API (NSQ-FACTS §5.2) until our nsqlookupd lands: a registry of
 * topics and channels with one producer, the real nsqd given, for the topics it is told that nsqd
 * has. Records every call so tests can check what nsqadmin asked of lookupd. Only lookupd is ever
 * stubbed; the nsqd behind it is real.
 */
final class LookupdStub implements AutoCloseable {
    final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Set<String>> registry = new TreeMap<>();
    private final Set<String> produced = new ConcurrentSkipListSet<>();
    private final JsonObject producer;
    private final HttpServer server;

    LookupdStub(Vertx vertx, int nsqdTcpPort, int nsqdHttpPort) throws Exception {
        producer = new JsonObject().put("remote_address", "127.0.0.1:" + (nsqdTcpPort + 1)).put("hostname", "stubbed-host")
                .put("broadcast_address", "127.0.0.1").put("tcp_port", nsqdTcpPort).put("http_port", nsqdHttpPort)
                .put("version", "1.3.0");
        server = AdminFixture.sync(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
    }

    String address() { return "127.0.0.1:" + server.actualPort(); }

    /** Registers the topic (and channel) as the nsqd's, as its lookup loop would. */
    synchronized void register(String topic, String channel) {
        Set<String> chans = registry.computeIfAbsent(topic, k -> new TreeSet<>());
        if (channel != null) chans.add(channel);
        produced.add(topic);
    }

    synchronized boolean hasTopic(String topic) { return registry.containsKey(topic); }

    synchronized boolean hasChannel(String topic, String channel) {
        return registry.containsKey(topic) && registry.get(topic).contains(channel);
    }

    private synchronized void handle(HttpServerRequest req) {
        calls.add(req.method() + " " + req.uri());
        String topic = req.getParam("topic");
        String channel = req.getParam("channel");
        String route = req.method() + " " + req.path();
        switch (route) {
            case "GET /topics" -> json(req, new JsonObject().put("topics", new JsonArray(List.copyOf(registry.keySet()))));
            case "GET /channels" -> json(req, new JsonObject().put("channels",
                    new JsonArray(List.copyOf(registry.getOrDefault(topic, Set.of())))));
            case "GET /lookup" -> {
                if (!registry.containsKey(topic)) {
                    req.response().setStatusCode(404).end("{\"message\":\"TOPIC_NOT_FOUND\"}");
                    return;
                }
                JsonArray producers = new JsonArray();
                if (produced.contains(topic)) producers.add(producer.copy());
                json(req, new JsonObject().put("channels", new JsonArray(List.copyOf(registry.get(topic)))).put("producers", producers));
            }
            case "GET /nodes" -> {
                JsonArray topics = new JsonArray(List.copyOf(produced));
                JsonArray tombstones = new JsonArray();
                topics.forEach(t -> tombstones.add(false));
                json(req, new JsonObject().put("producers", new JsonArray().add(producer.copy().put("topics", topics).put("tombstones", tombstones))));
            }
            case "POST /topic/create" -> { registry.computeIfAbsent(topic, k -> new TreeSet<>()); req.response().end(); }
            case "POST /topic/delete" -> { registry.remove(topic); produced.remove(topic); req.response().end(); }
            case "POST /channel/create" -> { registry.computeIfAbsent(topic, k -> new TreeSet<>()).add(channel); req.response().end(); }
            case "POST /channel/delete" -> {
                Set<String> chans = registry.get(topic);
                if (chans == null || !chans.remove(channel)) req.response().setStatusCode(404).end("{\"message\":\"CHANNEL_NOT_FOUND\"}");
                else req.response().end();
            }
            case "POST /topic/tombstone" -> req.response().end();
            default -> req.response().setStatusCode(404).end("{\"message\":\"NOT_FOUND\"}");
        }
    }

    private static void json(HttpServerRequest req, JsonObject body) {
        req.response().putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
    }

    @Override
    public void close() throws Exception { AdminFixture.sync(server.close()); }
}
