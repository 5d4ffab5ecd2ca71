package dev.nsq.nsqd.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqd.NsqdOptions;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Starts our nsqd on ephemeral loopback ports so real client libraries can talk to it. */
final class InteropNsqd implements AutoCloseable {
    private final Nsqd nsqd;

    private InteropNsqd(Nsqd nsqd) {
        this.nsqd = nsqd;
    }

    static InteropNsqd start(Path dataPath) throws Exception {
        return start(dataPath, o -> {});
    }

    static InteropNsqd start(Path dataPath, java.util.function.Consumer<NsqdOptions> tweak) throws Exception {
        NsqdOptions o = new NsqdOptions();
        o.tcpAddress = "127.0.0.1:0";
        o.httpAddress = "127.0.0.1:0";
        o.dataPath = dataPath.toString();
        tweak.accept(o);
        Nsqd nsqd = new Nsqd(o);
        nsqd.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new InteropNsqd(nsqd);
    }

    int httpPort() { return nsqd.httpPort(); }

    /** host:port in the form every NSQ client accepts for a direct nsqd connection. */
    String tcpAddress() {
        return "127.0.0.1:" + nsqd.tcpPort();
    }

    /**
     * The channel's entry from GET /stats?format=json (missing node if absent), so tests can
     * confirm server-side that the real clients' FINs landed: nothing queued or in flight.
     */
    JsonNode channelStats(String topic, String channel) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + nsqd.httpPort() + "/stats?format=json&topic="
                + URLEncoder.encode(topic, StandardCharsets.UTF_8));
        HttpResponse<String> resp = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode root = new ObjectMapper().readTree(resp.body());
        if (root.has("data")) root = root.get("data"); // pre-1.0 nsqd wrapped replies in "data"
        for (JsonNode t : root.path("topics")) {
            if (!topic.equals(t.path("topic_name").asText())) continue;
            for (JsonNode c : t.path("channels")) {
                if (channel.equals(c.path("channel_name").asText())) return c;
            }
        }
        return MissingNode.getInstance();
    }

    /** True once the channel has delivered {@code count} messages and all were finished. */
    boolean channelDrained(String topic, String channel, int count) throws Exception {
        JsonNode c = channelStats(topic, channel);
        return c.path("message_count").asLong(-1) == count
                && c.path("depth").asLong(-1) == 0
                && c.path("in_flight_count").asLong(-1) == 0;
    }

    @Override
    public void close() throws Exception {
        nsqd.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
