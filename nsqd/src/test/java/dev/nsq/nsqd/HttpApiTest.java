package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** HTTP routes beyond the recorded conformance cases: effects of each action and NSQ's edge cases. */
class HttpApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    TestNsqd nsqd;
    String topic;

    @BeforeEach
    void start() throws Exception {
        nsqd = new TestNsqd(dir, o -> { });
        topic = "h" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stop() throws Exception { nsqd.close(); }

    private HttpResponse<String> put(String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nsqd.httpPort() + path))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private WireClient subscriber(String channel) throws Exception {
        WireClient c = nsqd.connect();
        c.cmd("SUB " + topic + " " + channel);
        assertEquals("OK", c.read().text());
        c.cmd("RDY 10");
        return c;
    }

    private JsonNode topicStats() throws Exception {
        return JSON.readTree(nsqd.get("/stats?format=json&topic=" + topic).body()).path("topics").path(0);
    }

    @Test
    void pausedTopicHoldsMessagesUntilUnpaused() throws Exception {
        try (WireClient c = subscriber("ch")) {
            assertEquals(200, nsqd.post("/topic/pause?topic=" + topic, "").statusCode());
            assertTrue(topicStats().path("paused").asBoolean());
            assertEquals(200, nsqd.post("/pub?topic=" + topic, "held").statusCode());
            assertTrue(c.silentFor(300));
            assertEquals(1, topicStats().path("depth").asInt(), "waits at the topic, not the channel");
            assertEquals(200, nsqd.post("/topic/unpause?topic=" + topic, "").statusCode());
            assertEquals("held", c.read().body());
        }
    }

    @Test
    void pausedChannelHoldsMessagesAndOthersStillGetThem() throws Exception {
        try (WireClient a = subscriber("a"); WireClient b = subscriber("b")) {
            assertEquals(200, nsqd.post("/channel/pause?topic=" + topic + "&channel=a", "").statusCode());
            assertEquals(200, nsqd.post("/pub?topic=" + topic, "x").statusCode());
            assertEquals("x", b.read().body());
            assertTrue(a.silentFor(300));
            assertEquals(200, nsqd.post("/channel/unpause?topic=" + topic + "&channel=a", "").statusCode());
            assertEquals("x", a.read().body());
        }
    }

    @Test
    void topicEmptyDropsWhatWaitsAtTheTopic() throws Exception {
        assertEquals(200, nsqd.post("/mpub?topic=" + topic, "1\n2\n3").statusCode());
        assertEquals(3, topicStats().path("depth").asInt());
        assertEquals(200, nsqd.post("/topic/empty?topic=" + topic, "").statusCode());
        assertEquals(0, topicStats().path("depth").asInt());
        assertEquals(3, topicStats().path("message_count").asInt());
    }

    @Test
    void channelDeleteDisconnectsItsClients() throws Exception {
        try (WireClient c = subscriber("doomed")) {
            assertEquals(200, nsqd.post("/channel/delete?topic=" + topic + "&channel=doomed", "").statusCode());
            assertTrue(c.closedWithin(3000));
        }
    }

    @Test
    void pubWithDeferIsDeliveredLaterAndBadDefersAreRefused() throws Exception {
        try (WireClient c = subscriber("ch")) {
            assertEquals(200, nsqd.post("/pub?topic=" + topic + "&defer=700", "later").statusCode());
            assertEquals(1, topicStats().path("channels").path(0).path("deferred_count").asInt());
            assertTrue(c.silentFor(300));
            assertEquals("later", c.read(3000).body());
        }
        assertEquals("{\"message\":\"INVALID_DEFER\"}", nsqd.post("/pub?topic=" + topic + "&defer=-1", "x").body());
        assertEquals("{\"message\":\"INVALID_DEFER\"}", nsqd.post("/pub?topic=" + topic + "&defer=3600001", "x").body());
        assertEquals("{\"message\":\"INVALID_DEFER\"}", nsqd.post("/pub?topic=" + topic + "&defer=abc", "x").body());
    }

    @Test
    void mpubBinaryErrorsUseTheTcpCodesWithoutTheirPrefix() throws Exception {
        HttpResponse<String> r = nsqd.post("/mpub?topic=" + topic + "&binary=true", "\u0000\u0000\u0000\u0000");
        assertEquals(413, r.statusCode());
        assertEquals("{\"message\":\"BAD_BODY\"}", r.body());
        r = nsqd.post("/mpub?topic=" + topic + "&binary=1", "\u0000\u0000\u0000\u0001\u0000\u0000\u0000\u0000");
        assertEquals("{\"message\":\"BAD_MESSAGE\"}", r.body());
        assertEquals(200, nsqd.post("/mpub?topic=" + topic + "&binary=false", "a\nb").statusCode());
        assertEquals(2, topicStats().path("message_count").asInt(), "binary=false is the text format");
    }

    @Test
    void mpubTextRefusesTooBigBodyAndMessage() throws Exception {
        String big = "x".repeat(1_048_577);
        assertEquals("{\"message\":\"MSG_TOO_BIG\"}", nsqd.post("/mpub?topic=" + topic, "ok\n" + big).body());
        assertEquals("{\"message\":\"MSG_TOO_BIG\"}", nsqd.post("/pub?topic=" + topic, big).body());
        String huge = "y\n".repeat(2_700_000);
        HttpResponse<String> r = nsqd.post("/mpub?topic=" + topic, huge);
        assertEquals(413, r.statusCode());
        assertEquals("{\"message\":\"BODY_TOO_BIG\"}", r.body());
    }

    @Test
    void statsFiltersByChannelAndCanLeaveOutClientsAndMemory() throws Exception {
        try (WireClient a = subscriber("a"); WireClient b = subscriber("b")) {
            JsonNode s = JSON.readTree(nsqd.get("/stats?format=json&topic=" + topic + "&channel=b&include_clients=false&include_mem=false").body());
            assertFalse(s.has("memory"));
            assertTrue(s.path("producers").isNull());
            JsonNode chans = s.path("topics").path(0).path("channels");
            assertEquals(1, chans.size());
            assertEquals("b", chans.path(0).path("channel_name").asText());
            assertTrue(chans.path(0).path("clients").isNull());
            assertEquals(1, chans.path(0).path("client_count").asInt());
            String text = nsqd.get("/stats?topic=" + topic).body();
            assertTrue(text.contains("[V2 "), text);
            assertTrue(text.contains("Memory:"), text);
        }
    }

    @Test
    void configNsqlookupdAddressesAndLogLevelCanBeChanged() throws Exception {
        HttpResponse<String> r = put("/config/nsqlookupd_tcp_addresses", "[\"127.0.0.1:4160\"]");
        assertEquals(200, r.statusCode());
        assertEquals("[\"127.0.0.1:4160\"]", r.body());
        assertEquals("[\"127.0.0.1:4160\"]", nsqd.get("/config/nsqlookupd_tcp_addresses").body());
        assertEquals(400, put("/config/nsqlookupd_tcp_addresses", "{}").statusCode());
        assertEquals("2", nsqd.get("/config/log_level").body());
        assertEquals(200, put("/config/log_level", "warn").statusCode());
        assertEquals("3", nsqd.get("/config/log_level").body());
        put("/config/log_level", "info");
        assertEquals("{\"message\":\"INVALID_OPTION\"}", put("/config/max_msg_size", "5").body());
        assertEquals("60000000000", nsqd.get("/config/msg_timeout").body(), "durations in ns, as Go marshals them");
    }

    @Test
    void producersAreListedWithTheirPubCounts() throws Exception {
        try (WireClient p = nsqd.connect()) {
            p.cmd("PUB " + topic, "one");
            assertEquals("OK", p.read().text());
            JsonNode prods = JSON.readTree(nsqd.get("/stats?format=json").body()).path("producers");
            Set<String> topics = new HashSet<>();
            for (JsonNode pr : prods) for (JsonNode pc : pr.path("pub_counts")) topics.add(pc.path("topic").asText());
            assertTrue(topics.contains(topic));
        }
    }

    @Test
    void deferredMessageComesBackAfterDpubTime() throws Exception {
        try (WireClient c = subscriber("ch"); WireClient p = nsqd.connect()) {
            p.cmd("DPUB " + topic + " 500", "dp");
            assertEquals("OK", p.read().text());
            assertTrue(c.silentFor(200));
            Frame f = c.read(3000);
            assertEquals("dp", f.body());
            assertEquals(1, f.attempts());
        }
    }
}
