package dev.nsq.it.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.nsqadmin.Nsqadmin;
import dev.nsq.nsqd.Nsqd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.nsq.it.admin.AdminFixture.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * nsqadmin's JSON API over a real nsqd plus an {@code --nsqd-http-address} whose node is down (a
 * closed port): every read and action still works and says {@code WARNING: ...} about the dead node.
 */
@Timeout(120)
class AdminApiTest {
    @TempDir static Path dir;
    static Nsqd nsqd;
    static Nsqadmin admin;
    static int deadPort;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        nsqd = nsqd(dir.resolve("nsqd"));
        deadPort = closedPort();
        admin = admin(o -> {
            o.nsqdHttpAddresses.add(nsqdAddr(nsqd));
            o.nsqdHttpAddresses.add("127.0.0.1:" + deadPort);
        });
        port = admin.httpPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) sync(admin.stop());
        if (nsqd != null) sync(nsqd.stop());
    }

    private static String topicWithMessages(int n) throws Exception {
        String t = unique("api");
        nsqdPost(nsqd, "/topic/create?topic=" + t, "");
        nsqdPost(nsqd, "/channel/create?topic=" + t + "&channel=ch", "");
        for (int i = 0; i < n; i++) nsqdPost(nsqd, "/pub?topic=" + t, "m" + i);
        return t;
    }

    private static void assertWarnsAboutDeadNode(Resp r) {
        assertEquals(200, r.status(), r.text());
        assertTrue(r.message().startsWith("WARNING: "), r.text());
        assertTrue(r.message().contains("127.0.0.1:" + deadPort), r.text());
    }

    @Test
    void pingAnswersOk() throws Exception {
        Resp r = get(port, "/ping");
        assertEquals(200, r.status());
        assertEquals("OK", r.text());
    }

    @Test
    void topicsListTheLiveNodesTopicsAndWarnAboutTheDownNode() throws Exception {
        String t = topicWithMessages(1);
        Resp r = get(port, "/api/topics");
        assertWarnsAboutDeadNode(r);
        assertEquals("nsq; version=1.0", r.raw().headers().firstValue("X-NSQ-Content-Type").orElse(""));
        assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        List<String> names = new ArrayList<>();
        r.json().path("topics").forEach(n -> names.add(n.asText()));
        assertTrue(names.contains(t), names.toString());
    }

    @Test
    void inactiveTopicsAreAnEmptyMapWithoutLookupd() throws Exception {
        Resp r = get(port, "/api/topics?inactive=true");
        assertEquals(200, r.status());
        assertTrue(r.json().path("topics").isObject());
        assertEquals(0, r.json().path("topics").size());
    }

    @Test
    void topicShowsPerNodeFiguresAndChannels() throws Exception {
        String t = topicWithMessages(3);
        Resp r = get(port, "/api/topics/" + t);
        assertWarnsAboutDeadNode(r);
        JsonNode j = r.json();
        assertEquals(t, j.path("topic_name").asText());
        assertEquals("*", j.path("node").asText());
        assertEquals(3, j.path("message_count").asLong());
        assertEquals(1, j.path("nodes").size());
        assertEquals(nsqdAddr(nsqd), j.path("nodes").get(0).path("node").asText());
        assertEquals("ch", j.path("channels").get(0).path("channel_name").asText());
        assertEquals(3, j.path("channels").get(0).path("depth").asLong());
        assertEquals(3, j.path("channels").get(0).path("memory_depth").asLong() + j.path("channels").get(0).path("backend_depth").asLong());
        assertFalse(j.path("paused").asBoolean());
    }

    @Test
    void channelShowsItsConsumersWithTheirCounts() throws Exception {
        String t = topicWithMessages(5);
        try (RawConsumer c = new RawConsumer(nsqd.tcpPort(), t, "ch", 2)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Resp r = get(port, "/api/topics/" + t + "/ch");
                assertWarnsAboutDeadNode(r);
                JsonNode j = r.json();
                assertEquals(1, j.path("clients").size(), r.text());
                JsonNode client = j.path("clients").get(0);
                assertEquals(2, client.path("ready_count").asLong());
                assertEquals(2, client.path("in_flight_count").asLong());
                assertEquals(nsqdAddr(nsqd), client.path("node").asText());
                assertTrue(client.path("remote_address").asText().startsWith("127.0.0.1:"));
                assertEquals(2, j.path("in_flight_count").asLong());
                assertEquals(3, j.path("depth").asLong());
                assertEquals(1, j.path("client_count").asLong());
            });
        }
    }

    @Test
    void nodesListTheLiveNodeAndNodeShowsItsTopics() throws Exception {
        String t = topicWithMessages(2);
        Resp nodes = get(port, "/api/nodes");
        assertWarnsAboutDeadNode(nodes);
        assertEquals(1, nodes.json().path("nodes").size());
        JsonNode n = nodes.json().path("nodes").get(0);
        assertEquals("127.0.0.1", n.path("broadcast_address").asText());
        assertEquals(nsqd.httpPort(), n.path("http_port").asInt());
        assertEquals(nsqd.tcpPort(), n.path("tcp_port").asInt());
        assertFalse(n.path("out_of_date").asBoolean());

        Resp node = get(port, "/api/nodes/" + nsqdAddr(nsqd));
        assertEquals(200, node.status(), node.text());
        assertEquals(nsqdAddr(nsqd), node.json().path("node").asText());
        assertTrue(node.json().path("total_messages").asLong() >= 2);
        assertTrue(node.json().path("topics").findValuesAsText("topic_name").contains(t));

        Resp unknown = get(port, "/api/nodes/10.9.9.9:4151");
        assertEquals(404, unknown.status());
        assertEquals("NODE_NOT_FOUND", unknown.message());
    }

    @Test
    void counterHasEveryChannelsMessageCount() throws Exception {
        String t = topicWithMessages(4);
        Resp r = get(port, "/api/counter");
        assertWarnsAboutDeadNode(r);
        JsonNode s = r.json().path("stats").path(t + ":ch:" + nsqdAddr(nsqd));
        assertEquals(4, s.path("message_count").asLong(), r.text());
        assertEquals(t, s.path("topic_name").asText());
        assertEquals("ch", s.path("channel_name").asText());
    }

    @Test
    void createMakesTheTopicAndChannelOnTheNodes() throws Exception {
        String t = unique("created");
        Resp r = send("POST", port, "/api/topics", "{\"topic\":\"" + t + "\",\"channel\":\"c1\"}", Map.of());
        assertWarnsAboutDeadNode(r);
        assertFalse(nsqdChannel(nsqd, t, "c1").isMissingNode());

        assertError(400, "INVALID_TOPIC", send("POST", port, "/api/topics", "{\"topic\":\"bad topic\"}", Map.of()));
        assertError(400, "INVALID_CHANNEL", send("POST", port, "/api/topics", "{\"topic\":\"ok\",\"channel\":\"b@d\"}", Map.of()));
        assertError(400, "INVALID_BODY", send("POST", port, "/api/topics", "not json", Map.of()));
    }

    @Test
    void topicActionsPauseUnpauseAndEmptyOnTheNode() throws Exception {
        String t = topicWithMessages(0);
        nsqdPost(nsqd, "/topic/pause?topic=" + t, ""); // hold messages in the topic so "empty" has work
        nsqdPost(nsqd, "/pub?topic=" + t, "x");
        assertEquals(1, nsqdTopic(nsqd, t).path("depth").asLong());
        nsqdPost(nsqd, "/topic/unpause?topic=" + t, "");

        assertWarnsAboutDeadNode(action("/api/topics/" + t, "pause"));
        assertTrue(nsqdTopic(nsqd, t).path("paused").asBoolean());
        assertTrue(get(port, "/api/topics/" + t).json().path("paused").asBoolean());
        nsqdPost(nsqd, "/pub?topic=" + t, "y");
        assertEquals(1, nsqdTopic(nsqd, t).path("depth").asLong());
        assertWarnsAboutDeadNode(action("/api/topics/" + t, "empty"));
        assertEquals(0, nsqdTopic(nsqd, t).path("depth").asLong());
        assertWarnsAboutDeadNode(action("/api/topics/" + t, "unpause"));
        assertFalse(nsqdTopic(nsqd, t).path("paused").asBoolean());

        assertError(400, "INVALID_ACTION", action("/api/topics/" + t, "explode"));
        assertError(400, "INVALID_BODY", send("POST", port, "/api/topics/" + t, "[1]", Map.of()));
        assertError(400, "INVALID_TOPIC", action("/api/topics/no%20spaces", "pause"));
    }

    @Test
    void channelActionsPauseUnpauseAndEmptyOnTheNode() throws Exception {
        String t = topicWithMessages(3);
        assertWarnsAboutDeadNode(action("/api/topics/" + t + "/ch", "pause"));
        assertTrue(nsqdChannel(nsqd, t, "ch").path("paused").asBoolean());
        assertTrue(get(port, "/api/topics/" + t + "/ch").json().path("paused").asBoolean());
        assertWarnsAboutDeadNode(action("/api/topics/" + t + "/ch", "empty"));
        assertEquals(0, nsqdChannel(nsqd, t, "ch").path("depth").asLong());
        assertWarnsAboutDeadNode(action("/api/topics/" + t + "/ch", "unpause"));
        assertFalse(nsqdChannel(nsqd, t, "ch").path("paused").asBoolean());
        assertError(400, "INVALID_ACTION", action("/api/topics/" + t + "/ch", ""));
        assertError(400, "INVALID_CHANNEL", action("/api/topics/" + t + "/b%40d", "pause"));
    }

    @Test
    void deletesRemoveChannelThenTopicFromTheNode() throws Exception {
        String t = topicWithMessages(1);
        assertWarnsAboutDeadNode(send("DELETE", port, "/api/topics/" + t + "/ch", null, Map.of()));
        assertTrue(nsqdChannel(nsqd, t, "ch").isMissingNode());
        assertFalse(nsqdTopic(nsqd, t).isMissingNode());
        assertWarnsAboutDeadNode(send("DELETE", port, "/api/topics/" + t, null, Map.of()));
        assertTrue(nsqdTopic(nsqd, t).isMissingNode());
    }

    @Test
    void tombstoningANodesTopicDeletesItThere() throws Exception {
        String t = topicWithMessages(1);
        Resp r = send("DELETE", port, "/api/nodes/" + nsqdAddr(nsqd), "{\"topic\":\"" + t + "\"}", Map.of());
        assertEquals(200, r.status(), r.text());
        assertTrue(nsqdTopic(nsqd, t).isMissingNode());
        assertError(400, "INVALID_TOPIC", send("DELETE", port, "/api/nodes/" + nsqdAddr(nsqd), "{\"topic\":\"\"}", Map.of()));
    }

    @Test
    void unknownRoutesAndMethodsAnswerNsqErrors() throws Exception {
        assertError(404, "NOT_FOUND", get(port, "/api/nope"));
        assertError(405, "METHOD_NOT_ALLOWED", send("PATCH", port, "/api/topics", "{}", Map.of()));
    }

    @Test
    void configReadsOptionsAndChangesTheLogLevel() throws Exception {
        Resp addrs = get(port, "/config/nsqd_http_addresses");
        assertEquals(200, addrs.status());
        assertEquals(nsqdAddr(nsqd), addrs.json().get(0).asText());
        assertEquals(2, get(port, "/config/log_level").json().asInt(), "info, the default, as NSQ's number");
        Resp put = send("PUT", port, "/config/log_level", "error", Map.of());
        assertEquals(200, put.status(), put.text());
        assertEquals(4, put.json().asInt());
        // back to the tests' level: the level is the JVM's root logger's
        assertEquals(3, send("PUT", port, "/config/log_level", "warn", Map.of()).json().asInt());
        assertError(400, "INVALID_VALUE", send("PUT", port, "/config/log_level", "loud", Map.of()));
        assertError(413, "INVALID_VALUE", send("PUT", port, "/config/log_level", "", Map.of()));
        assertError(400, "INVALID_OPTION", get(port, "/config/no_such_option"));
        assertError(400, "INVALID_OPTION", send("PUT", port, "/config/http_address", "\"x\"", Map.of()));
    }

    @Test
    void liveEventsCarryTheSampledTopics() throws Exception {
        String t = topicWithMessages(2);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode snap = SseReader.firstSample(port);
            assertTrue(snap.path("message").asText().contains("127.0.0.1:" + deadPort), snap.toString());
            JsonNode topic = null;
            for (JsonNode x : snap.path("topics")) if (x.path("topic_name").asText().equals(t)) topic = x;
            assertNotNull(topic, snap.toString());
            assertEquals(2, topic.path("message_count").asLong());
            assertEquals(2, topic.path("channels").get(0).path("depth").asLong());
            assertTrue(topic.path("rates").isArray());
        });
    }

    @Test
    void pagesAndAssetsAreServed() throws Exception {
        for (String page : List.of("/", "/topics/x", "/topics/x/y", "/nodes", "/nodes/a:1", "/counter", "/lookup")) {
            Resp r = get(port, page);
            assertEquals(200, r.status(), page);
            assertTrue(r.text().contains("<main id=\"app\">"), page);
        }
        for (String asset : List.of("/static/core.js", "/static/app.css", "/static/main.js")) {
            assertEquals(200, get(port, asset).status(), asset);
        }
    }

    static Resp action(String path, String action) throws Exception {
        return send("POST", port, path, "{\"action\":\"" + action + "\"}", Map.of());
    }

    static void assertError(int status, String message, Resp r) {
        assertEquals(status, r.status(), r.text());
        assertEquals(message, r.message(), r.text());
    }
}
