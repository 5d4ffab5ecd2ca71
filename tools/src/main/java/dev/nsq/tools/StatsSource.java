package dev.nsq.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads one topic/channel's figures from nsqd's {@code /stats}, summed over every nsqd given or
 * found through nsqlookupd's {@code /lookup}. Blocking HTTP: the tools calling it own their thread.
 */
final class StatsSource {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The channel summed over all nsqd at one instant; counts are totals since each nsqd started.
     * {@code found} is false when no nsqd has the channel.
     */
    record Sample(boolean found, long depth, long backendDepth, long inFlight, long deferred,
                  long requeued, long timedOut, long messages, long clients) {}

    private final HttpClient http;
    private final Duration requestTimeout;
    private final List<String> nsqdHttp;
    private final List<String> lookupdHttp;

    StatsSource(List<String> nsqdHttp, List<String> lookupdHttp, long connectTimeoutMs, long requestTimeoutMs) {
        this.nsqdHttp = nsqdHttp;
        this.lookupdHttp = lookupdHttp;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(connectTimeoutMs)).build();
        this.requestTimeout = Duration.ofMillis(requestTimeoutMs);
    }

    private JsonNode get(String hostPort, String pathAndQuery) throws IOException, InterruptedException {
        String base = hostPort.startsWith("http://") ? hostPort : "http://" + hostPort;
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(requestTimeout)
                .header("Accept", "application/vnd.nsq; version=1.0").build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) throw new IOException(base + pathAndQuery + " answered " + r.statusCode());
        return JSON.readTree(r.body());
    }

    private Set<String> nsqds(String topic) throws IOException, InterruptedException {
        Set<String> out = new LinkedHashSet<>(nsqdHttp);
        for (String l : lookupdHttp) {
            JsonNode r;
            try {
                r = get(l, "/lookup?topic=" + enc(topic));
            } catch (IOException e) {
                continue; // topic unknown to this lookupd, or lookupd down
            }
            for (JsonNode p : r.path("producers")) out.add(p.path("broadcast_address").asText() + ":" + p.path("http_port").asInt());
        }
        return out;
    }

    Sample sample(String topic, String channel) throws IOException, InterruptedException {
        boolean found = false;
        long depth = 0, backend = 0, inflt = 0, def = 0, req = 0, to = 0, msgs = 0, clients = 0;
        for (String n : nsqds(topic)) {
            JsonNode s = get(n, "/stats?format=json&topic=" + enc(topic) + "&channel=" + enc(channel));
            for (JsonNode t : s.path("topics")) {
                if (!t.path("topic_name").asText().equals(topic)) continue;
                for (JsonNode c : t.path("channels")) {
                    if (!c.path("channel_name").asText().equals(channel)) continue;
                    found = true;
                    depth += c.path("depth").asLong();
                    backend += c.path("backend_depth").asLong();
                    inflt += c.path("in_flight_count").asLong();
                    def += c.path("deferred_count").asLong();
                    req += c.path("requeue_count").asLong();
                    to += c.path("timeout_count").asLong();
                    msgs += c.path("message_count").asLong();
                    clients += c.path("client_count").asLong();
                }
            }
        }
        return new Sample(found, depth, backend, inflt, def, req, to, msgs, clients);
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }
}
