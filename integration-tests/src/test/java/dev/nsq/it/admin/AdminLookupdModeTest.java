package dev.nsq.it.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.nsqadmin.Nsqadmin;
import dev.nsq.nsqd.Nsqd;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.nsq.it.admin.AdminFixture.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code --lookupd-http-address} mode: nodes and topics come from lookupd (a stub of its HTTP API,
 * plus a second lookupd address that is down), figures from the real nsqd lookupd names, and
 * actions go to lookupd and nsqd as NSQ's nsqadmin sends them. Admin actions are also posted to
 * {@code --notification-http-endpoint}.
 */
@Timeout(120)
class AdminLookupdModeTest {
    @TempDir Path dir;
    Vertx vertx;
    Nsqd nsqd;
    LookupdStub lookupd;
    HttpServer notificationSink;
    final List<String> notifications = new CopyOnWriteArrayList<>();
    Nsqadmin admin;
    int deadPort;
    int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        nsqd = nsqd(dir.resolve("nsqd"));
        lookupd = new LookupdStub(vertx, nsqd.tcpPort(), nsqd.httpPort());
        notificationSink = sync(vertx.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(b -> { notifications.add(b.toString()); req.response().end(); }))
                .listen(0, "127.0.0.1"));
        deadPort = closedPort();
        admin = admin(o -> {
            o.lookupdHttpAddresses.add(lookupd.address());
            o.lookupdHttpAddresses.add("127.0.0.1:" + deadPort);
            o.notificationHttpEndpoint = "http://127.0.0.1:" + notificationSink.actualPort() + "/notify";
        });
        port = admin.httpPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (admin != null) sync(admin.stop());
        if (lookupd != null) lookupd.close();
        if (nsqd != null) sync(nsqd.stop());
        if (vertx != null) sync(vertx.close());
    }

    private String topicOnNsqd() throws Exception {
        String t = unique("lk");
        nsqdPost(nsqd, "/topic/create?topic=" + t, "");
        nsqdPost(nsqd, "/channel/create?topic=" + t + "&channel=ch", "");
        nsqdPost(nsqd, "/pub?topic=" + t, "hello");
        lookupd.register(t, "ch");
        return t;
    }

    private void assertWarnsAboutDeadLookupd(Resp r) {
        assertEquals(200, r.status(), r.text());
        assertTrue(r.message().startsWith("WARNING: ") && r.message().contains("127.0.0.1:" + deadPort), r.text());
    }

    @Test
    void readsComeFromLookupdAndTheNsqdItNames() throws Exception {
        String t = topicOnNsqd();
        Resp topics = get(port, "/api/topics");
        assertWarnsAboutDeadLookupd(topics);
        assertEquals(t, topics.json().path("topics").get(0).asText());

        Resp topic = get(port, "/api/topics/" + t);
        assertWarnsAboutDeadLookupd(topic);
        assertEquals(1, topic.json().path("message_count").asLong());
        assertEquals("stubbed-host", topic.json().path("nodes").get(0).path("hostname").asText());

        Resp nodes = get(port, "/api/nodes");
        assertWarnsAboutDeadLookupd(nodes);
        JsonNode n = nodes.json().path("nodes").get(0);
        assertEquals("stubbed-host", n.path("hostname").asText());
        assertEquals(t, n.path("topics").get(0).path("topic").asText());
        assertTrue(n.path("remote_addresses").get(0).asText().startsWith(lookupd.address() + "/"), n.toString());

        assertEquals(200, get(port, "/api/nodes/127.0.0.1:" + nsqd.httpPort()).status());
        JsonNode lookupds = get(port, "/config/nsqlookupd_http_addresses").json();
        assertEquals(lookupd.address(), lookupds.get(0).asText());
        assertEquals("127.0.0.1:" + deadPort, lookupds.get(1).asText());
    }

    @Test
    void inactiveTopicsAreThoseWithoutProducers() throws Exception {
        String active = topicOnNsqd();
        String idle = unique("idle");
        assertEquals(200, send("POST", port, "/api/topics", "{\"topic\":\"" + idle + "\",\"channel\":\"c\"}", Map.of()).status());
        Resp r = get(port, "/api/topics?inactive=true");
        assertWarnsAboutDeadLookupd(r);
        assertTrue(r.json().path("topics").has(idle), r.text());
        assertEquals("c", r.json().path("topics").path(idle).get(0).asText());
        assertFalse(r.json().path("topics").has(active), r.text());
    }

    @Test
    void createGoesToLookupdAndTheChannelToTheProducers() throws Exception {
        String t = topicOnNsqd();
        Resp r = send("POST", port, "/api/topics", "{\"topic\":\"" + t + "\",\"channel\":\"new_ch\"}", Map.of());
        assertWarnsAboutDeadLookupd(r);
        assertTrue(lookupd.hasChannel(t, "new_ch"));
        assertFalse(nsqdChannel(nsqd, t, "new_ch").isMissingNode(), "the channel is created on the nsqd that has the topic");
        await().atMost(Duration.ofSeconds(10)).until(() -> notifications.stream().anyMatch(n -> n.contains("\"create_channel\"")));
        JsonNode note = JSON.readTree(notifications.stream().filter(n -> n.contains("\"create_channel\"")).findFirst().orElseThrow());
        assertEquals(t, note.path("topic").asText());
        assertEquals("new_ch", note.path("channel").asText());
        assertTrue(note.path("timestamp").asLong() > 0);
    }

    @Test
    void deleteGoesToLookupdAndNsqd() throws Exception {
        String t = topicOnNsqd();
        assertWarnsAboutDeadLookupd(send("DELETE", port, "/api/topics/" + t + "/ch", null, Map.of()));
        assertFalse(lookupd.hasChannel(t, "ch"));
        assertTrue(nsqdChannel(nsqd, t, "ch").isMissingNode());
        assertWarnsAboutDeadLookupd(send("DELETE", port, "/api/topics/" + t, null, Map.of()));
        assertFalse(lookupd.hasTopic(t));
        assertTrue(nsqdTopic(nsqd, t).isMissingNode());
        await().atMost(Duration.ofSeconds(10)).until(() -> notifications.stream().anyMatch(n -> n.contains("\"delete_topic\"")));
    }

    @Test
    void tombstoneTellsLookupdAndDeletesTheTopicOnThatNode() throws Exception {
        String t = topicOnNsqd();
        Resp r = send("DELETE", port, "/api/nodes/" + nsqdAddr(nsqd), "{\"topic\":\"" + t + "\"}", Map.of());
        assertWarnsAboutDeadLookupd(r);
        assertTrue(lookupd.calls.contains("POST /topic/tombstone?topic=" + t + "&node=127.0.0.1%3A" + nsqd.httpPort()), lookupd.calls.toString());
        assertTrue(nsqdTopic(nsqd, t).isMissingNode());
    }

    @Test
    void pauseReachesTheProducerLookupdNames() throws Exception {
        String t = topicOnNsqd();
        assertWarnsAboutDeadLookupd(send("POST", port, "/api/topics/" + t + "/ch", "{\"action\":\"pause\"}", Map.of()));
        assertTrue(nsqdChannel(nsqd, t, "ch").path("paused").asBoolean());
    }

    @Test
    void changingTheLookupdListAtRunTimeIsUsedAtOnce() throws Exception {
        Resp put = send("PUT", port, "/config/nsqlookupd_http_addresses", "[\"" + lookupd.address() + "\"]", Map.of());
        assertEquals(200, put.status(), put.text());
        assertEquals(lookupd.address(), put.json().get(0).asText());
        Resp topics = get(port, "/api/topics");
        assertEquals(200, topics.status());
        assertEquals("", topics.message(), "the dead lookupd is no longer asked");
        assertEquals(400, send("PUT", port, "/config/nsqlookupd_http_addresses", "{\"no\":1}", Map.of()).status());
    }
}
