package dev.nsq.it.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqd.NsqdOptions;
import dev.nsq.nsqlookupd.Nsqlookupd;
import dev.nsq.nsqlookupd.NsqlookupdOptions;
import io.vertx.core.Future;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Real daemons on 127.0.0.1 port 0 for client and tool tests, and reads of their HTTP APIs. */
public final class Local {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicInteger SEQ = new AtomicInteger();

    private Local() {}

    public static <T> T sync(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A topic name no other test uses. */
    public static String topic(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet() + "_" + System.nanoTime() % 100_000;
    }

    public static Nsqd nsqd(Path data) throws Exception { return nsqd(data, o -> {}); }

    public static Nsqd nsqd(Path data, Consumer<NsqdOptions> tweak) throws Exception {
        NsqdOptions o = new NsqdOptions();
        o.tcpAddress = "127.0.0.1:0";
        o.httpAddress = "127.0.0.1:0";
        o.dataPath = data.toString();
        o.broadcastAddress = "127.0.0.1";
        o.lookupPingIntervalMs = 1_000;
        tweak.accept(o);
        Nsqd n = new Nsqd(o);
        sync(n.start());
        return n;
    }

    public static Nsqlookupd lookupd() throws Exception { return lookupd(o -> {}); }

    public static Nsqlookupd lookupd(Consumer<NsqlookupdOptions> tweak) throws Exception {
        NsqlookupdOptions o = new NsqlookupdOptions();
        o.tcpAddress = "127.0.0.1:0";
        o.httpAddress = "127.0.0.1:0";
        o.broadcastAddress = "127.0.0.1";
        tweak.accept(o);
        Nsqlookupd l = new Nsqlookupd(o);
        sync(l.start());
        return l;
    }

    public static String tcp(Nsqd n) { return "127.0.0.1:" + n.tcpPort(); }

    public static String http(Nsqd n) { return "127.0.0.1:" + n.httpPort(); }

    public static JsonNode getJson(int port, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 && !r.body().isEmpty() ? JSON.readTree(r.body()) : JSON.nullNode();
    }

    public static int post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** The channel's stats on one nsqd (missing node when the channel does not exist). */
    public static JsonNode channelStats(Nsqd n, String topic, String channel) throws Exception {
        JsonNode s = getJson(n.httpPort(), "/stats?format=json&topic=" + topic + "&channel=" + channel);
        for (JsonNode t : s.path("topics")) {
            if (!t.path("topic_name").asText().equals(topic)) continue;
            for (JsonNode c : t.path("channels")) if (c.path("channel_name").asText().equals(channel)) return c;
        }
        return JSON.missingNode();
    }

    /** Sum of ready_count over the channel's clients on one nsqd. */
    public static long readyCount(Nsqd n, String topic, String channel) throws Exception {
        long sum = 0;
        for (JsonNode c : channelStats(n, topic, channel).path("clients")) sum += c.path("ready_count").asLong();
        return sum;
    }

    public static long topicMessageCount(Nsqd n, String topic) throws Exception {
        JsonNode s = getJson(n.httpPort(), "/stats?format=json&topic=" + topic);
        for (JsonNode t : s.path("topics")) if (t.path("topic_name").asText().equals(topic)) return t.path("message_count").asLong();
        return 0;
    }
}
