package dev.nsq.nsqd.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqd.NsqdOptions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A real nsqd on 127.0.0.1 port 0 for a test, with a tiny HTTP helper. */
public final class TestNsqd implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    public final Nsqd nsqd;
    private final HttpClient http = HttpClient.newHttpClient();

    public TestNsqd(Path dataPath, Consumer<NsqdOptions> tweak) throws Exception {
        NsqdOptions o = new NsqdOptions();
        o.tcpAddress = "127.0.0.1:0";
        o.httpAddress = "127.0.0.1:0";
        o.dataPath = dataPath.toString();
        o.broadcastAddress = "127.0.0.1";
        tweak.accept(o);
        nsqd = new Nsqd(o);
        nsqd.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    public int tcpPort() { return nsqd.tcpPort(); }

    public int httpPort() { return nsqd.httpPort(); }

    public int httpsPort() { return nsqd.httpsPort(); }

    public WireClient connect() throws Exception { return new WireClient(tcpPort()); }

    /** A new connection subscribed to {@code topic}/{@code channel} (its OK read) with RDY {@code rdy} sent. */
    public WireClient subscribe(String topic, String channel, int rdy) throws Exception {
        return WireClient.subscribe(tcpPort(), topic, channel, rdy);
    }

    public HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String pathAndQuery, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** This topic's entry of /stats (a missing node when there is none). */
    public JsonNode topicStats(String topic) throws Exception {
        JsonNode t = JSON.readTree(get("/stats?format=json&topic=" + topic).body()).path("topics").path(0);
        return t.path("topic_name").asText().equals(topic) ? t : JSON.missingNode();
    }

    /** This channel's entry of /stats (a missing node when there is none). */
    public JsonNode channelStats(String topic, String channel) throws Exception {
        for (JsonNode c : topicStats(topic).path("channels")) if (c.path("channel_name").asText().equals(channel)) return c;
        return JSON.missingNode();
    }

    @Override
    public void close() throws Exception {
        nsqd.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
