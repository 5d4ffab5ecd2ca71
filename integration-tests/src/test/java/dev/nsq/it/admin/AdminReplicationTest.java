package dev.nsq.it.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.nsqadmin.Nsqadmin;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.nsq.it.admin.AdminFixture.*;
import static dev.nsq.it.admin.NsqdStatsStub.replication;
import static org.junit.jupiter.api.Assertions.*;

/**
 * nsqadmin's view of replicated topics (issue #17) over three stub nsqd whose {@code /stats} carry
 * {@code "replication"} objects ({@link NsqdStatsStub}; a real cluster is in the process tests):
 * the API's topic gets the newest view (epoch, leader, replicas, in sync, under_replicated) and each
 * node its role, and counts the leader's copy only; NSQ's unreplicated topics keep NSQ's JSON. In
 * Chromium the Streams list badges replicated and under-replicated topics, and the Topic page shows
 * the Replication panel and drops the warning live when the lagging replica catches up.
 * Screenshots: target/screenshots/streams-replicated.png, topic-under-replicated.png, topic-replicated.png.
 */
@Timeout(180)
class AdminReplicationTest {
    Vertx vertx;
    NsqdStatsStub a, b, c;
    Nsqadmin admin;
    Browser browser;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        a = new NsqdStatsStub(vertx, 14_151);
        b = new NsqdStatsStub(vertx, 14_152);
        c = new NsqdStatsStub(vertx, 14_153);
        List<String> ab = List.of(a.tcpAddress(), b.tcpAddress());
        // orders: led by a, b has fallen out of sync (a's view); b's own view is older and still says in sync
        a.topic("orders", 70, replication(3, a.tcpAddress(), ab, List.of(a.tcpAddress())));
        b.topic("orders", 65, replication(3, a.tcpAddress(), ab, ab));
        // payments: led by c, both replicas in sync
        List<String> ca = List.of(c.tcpAddress(), a.tcpAddress());
        c.topic("payments", 40, replication(1, c.tcpAddress(), ca, ca));
        a.topic("payments", 40, replication(1, c.tcpAddress(), ca, ca));
        // split: b leads at epoch 5 while a still names itself leader at epoch 4 (it has not heard yet)
        a.topic("split", 9, replication(4, a.tcpAddress(), ab, ab));
        b.topic("split", 12, replication(5, b.tcpAddress(), ab, List.of(b.tcpAddress())));
        // plain: NSQ's own topic on b
        b.topic("plain", 5, null);
        admin = admin(o -> {
            o.nsqdHttpAddresses.add(a.httpAddress());
            o.nsqdHttpAddresses.add(b.httpAddress());
            o.nsqdHttpAddresses.add(c.httpAddress());
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) browser.close();
        if (admin != null) sync(admin.stop());
        for (NsqdStatsStub s : new NsqdStatsStub[]{a, b, c}) if (s != null) s.close();
        if (vertx != null) sync(vertx.close());
    }

    @Test
    void apiGivesTheNewestReplicationViewAndEachNodesRole() throws Exception {
        JsonNode orders = get(admin.httpPort(), "/api/topics/orders").json();
        JsonNode r = orders.path("replication");
        assertEquals(3, r.path("epoch").asLong(), orders.toString());
        assertEquals(a.tcpAddress(), r.path("leader").asText());
        assertEquals(List.of(a.tcpAddress(), b.tcpAddress()), strings(r.path("replicas")));
        assertEquals(List.of(a.tcpAddress()), strings(r.path("in_sync")), "the leader's first-hand view wins over b's older one");
        assertTrue(r.path("under_replicated").asBoolean(), orders.toString());
        assertEquals(70, orders.path("message_count").asLong(), "the leader's copy, not the sum of the copies");
        assertEquals(70, orders.path("channels").get(0).path("message_count").asLong(), "channels too: the leader's");
        assertEquals(Map.of(a.httpAddress(), "leader", b.httpAddress(), "follower"), roles(orders));
        for (JsonNode n : orders.path("nodes")) assertFalse(n.path("tcp_address").asText().isEmpty(), n.toString());

        JsonNode payments = get(admin.httpPort(), "/api/topics/payments").json();
        assertFalse(payments.path("replication").path("under_replicated").asBoolean(true), payments.toString());
        assertEquals(40, payments.path("message_count").asLong());

        JsonNode split = get(admin.httpPort(), "/api/topics/split").json();
        assertEquals(5, split.path("replication").path("epoch").asLong(), split.toString());
        assertEquals(b.tcpAddress(), split.path("replication").path("leader").asText());
        assertEquals(Map.of(a.httpAddress(), "stale_leader", b.httpAddress(), "leader"), roles(split));
        assertEquals(12, split.path("message_count").asLong());

        // NSQ's unreplicated topics: NSQ's JSON, no replication key or roles
        JsonNode plain = get(admin.httpPort(), "/api/topics/plain").json();
        assertTrue(plain.path("replication").isMissingNode(), plain.toString());
        for (JsonNode n : plain.path("nodes")) assertTrue(n.path("role").isMissingNode(), n.toString());
        assertEquals(5, plain.path("message_count").asLong());

        // a node's page names its part in each replicated topic
        Map<String, String> topicsOfA = new HashMap<>();
        for (JsonNode t : get(admin.httpPort(), "/api/nodes/" + a.httpAddress()).json().path("topics"))
            topicsOfA.put(t.path("topic_name").asText(), t.path("role").asText("none"));
        assertEquals(Map.of("orders", "leader", "payments", "follower", "split", "leader"), topicsOfA,
                "on its own page a node's role is its own view");
    }

    @Test
    void streamsAndTopicPagesFlagTheUnderReplicatedTopicUntilItCatchesUp() throws Exception {
        browser = new Browser("http://127.0.0.1:" + admin.httpPort());
        browser.open("/");
        browser.waitUntil("Streams badges orders as under-replicated", d ->
                browser.text(By.cssSelector("tr[data-topic='orders'] .under-replicated")).equals("under-replicated 1/2"));
        assertEquals("replicated ×2", browser.text(By.cssSelector("tr[data-topic='payments'] .replicated")));
        assertEquals("", browser.text(By.cssSelector("tr[data-topic='plain'] .badge")), "NSQ's topic has no badge");
        assertEquals("70", browser.text(By.cssSelector("tr[data-topic='orders'] td.messages")), "the leader's count");
        browser.screenshot("streams-replicated");

        browser.click(By.linkText("orders"));
        browser.waitFor(By.id("replication"));
        assertEquals("3", browser.text(By.id("replication-epoch")));
        assertEquals(a.tcpAddress(), browser.text(By.id("replication-leader")));
        assertEquals("1 of 2 in sync", browser.text(By.id("replication-in-sync")));
        assertEquals("under-replicated 1/2", browser.text(By.cssSelector(".page-head .under-replicated")));
        String leaderRow = browser.text(By.cssSelector("#replicas tr[data-replica='" + a.tcpAddress() + "']"));
        String followerRow = browser.text(By.cssSelector("#replicas tr[data-replica='" + b.tcpAddress() + "']"));
        assertTrue(leaderRow.contains("leader") && leaderRow.contains("in sync"), leaderRow);
        assertTrue(followerRow.contains("follower") && followerRow.contains("out of sync"), followerRow);
        assertTrue(browser.text(By.cssSelector("#topic-replication .value")).startsWith("1 / 2"),
                browser.text(By.id("topic-replication")));
        String nodes = browser.text(By.id("topic-nodes"));
        assertTrue(nodes.contains("leader") && nodes.contains("follower"), nodes);
        browser.screenshot("topic-under-replicated");

        // b catches up: the next samples clear the warning without a reload
        List<String> ab = List.of(a.tcpAddress(), b.tcpAddress());
        a.topic("orders", 71, replication(3, a.tcpAddress(), ab, ab));
        browser.waitUntil("the warning goes once both replicas are in sync", d ->
                browser.text(By.id("replication-in-sync")).equals("2 of 2 in sync")
                        && browser.text(By.cssSelector(".page-head .under-replicated")).isEmpty()
                        && browser.text(By.cssSelector(".page-head .replicated")).equals("replicated ×2"));
        assertTrue(browser.text(By.cssSelector("#replicas tr[data-replica='" + b.tcpAddress() + "']")).contains("in sync"));
        browser.screenshot("topic-replicated");
    }

    private static Map<String, String> roles(JsonNode topic) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode n : topic.path("nodes")) out.put(n.path("node").asText(), n.path("role").asText("none"));
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }
}
