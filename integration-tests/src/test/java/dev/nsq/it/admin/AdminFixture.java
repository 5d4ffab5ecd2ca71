package dev.nsq.it.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqadmin.Nsqadmin;
import dev.nsq.nsqadmin.NsqadminOptions;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqd.NsqdOptions;
import io.vertx.core.Future;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Real daemons on 127.0.0.1 port 0 for the nsqadmin tests, and a small HTTP client for their APIs. */
final class AdminFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One HTTP answer: status, parsed JSON body (null node when not JSON), raw text and headers. */
    record Resp(int status, JsonNode json, String text, HttpResponse<String> raw) {
        String message() { return json.path("message").asText(); }
    }

    private AdminFixture() {}

    static <T> T sync(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    static Nsqd nsqd(Path data) throws Exception { return nsqd(data, o -> { }); }

    static Nsqd nsqd(Path data, Consumer<NsqdOptions> tweak) throws Exception {
        NsqdOptions o = new NsqdOptions();
        o.tcpAddress = "127.0.0.1:0";
        o.httpAddress = "127.0.0.1:0";
        o.dataPath = data.toString();
        o.broadcastAddress = "127.0.0.1";
        tweak.accept(o);
        Nsqd n = new Nsqd(o);
        sync(n.start());
        return n;
    }

    static Nsqadmin admin(Consumer<NsqadminOptions> tweak) throws Exception {
        NsqadminOptions o = new NsqadminOptions();
        o.httpAddress = "127.0.0.1:0";
        o.statsSampleIntervalMs = 300;
        o.httpClientConnectTimeoutMs = 1_000;
        o.httpClientRequestTimeoutMs = 3_000;
        tweak.accept(o);
        Nsqadmin a = new Nsqadmin(o);
        sync(a.start());
        return a;
    }

    /** A TCP port nothing listens on: the "node that is down". */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String nsqdAddr(Nsqd n) { return "127.0.0.1:" + n.httpPort(); }

    static Resp get(int port, String path) throws Exception {
        return send("GET", port, path, null, Map.of());
    }

    static Resp send(String method, int port, String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode j;
        try {
            j = r.body().isEmpty() ? JSON.missingNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            j = JSON.missingNode();
        }
        return new Resp(r.statusCode(), j, r.body(), r);
    }

    /** POST to nsqd's own API (publishing, creating), asserting success. */
    static void nsqdPost(Nsqd n, String pathAndQuery, String body) throws Exception {
        Resp r = send("POST", n.httpPort(), pathAndQuery, body, Map.of());
        if (r.status() != 200) throw new AssertionError("nsqd " + pathAndQuery + " -> " + r.status() + " " + r.text());
    }

    /** nsqd's {@code /stats} entry for a topic, a missing node when nsqd does not have it. */
    static JsonNode nsqdTopic(Nsqd n, String topic) throws Exception {
        for (JsonNode t : get(n.httpPort(), "/stats?format=json").json().path("topics")) {
            if (t.path("topic_name").asText().equals(topic)) return t;
        }
        return JSON.missingNode();
    }

    static JsonNode nsqdChannel(Nsqd n, String topic, String channel) throws Exception {
        for (JsonNode c : nsqdTopic(n, topic).path("channels")) {
            if (c.path("channel_name").asText().equals(channel)) return c;
        }
        return JSON.missingNode();
    }

    /** A unique topic or channel name per test, so tests never see each other's data. */
    static String unique(String prefix) {
        return prefix + "_" + Long.toString(System.nanoTime() % 100_000_000L, 36);
    }
}
