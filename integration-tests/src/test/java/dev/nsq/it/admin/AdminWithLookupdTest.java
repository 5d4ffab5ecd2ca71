package dev.nsq.it.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.nsqadmin.Nsqadmin;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqd.NsqdOptions;
import dev.nsq.nsqlookupd.Nsqlookupd;
import dev.nsq.nsqlookupd.NsqlookupdOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.nsq.it.admin.AdminFixture.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Our whole cluster: a real nsqlookupd, a real nsqd registering with it over TCP V1, and nsqadmin
 * finding everything through {@code --lookupd-http-address}; the API and the pages.
 */
@Timeout(180)
class AdminWithLookupdTest {
    @TempDir Path dir;
    Nsqlookupd lookupd;
    Nsqd nsqd;
    Nsqadmin admin;
    int port;

    @BeforeEach
    void start() throws Exception {
        NsqlookupdOptions lo = new NsqlookupdOptions();
        lo.tcpAddress = "127.0.0.1:0";
        lo.httpAddress = "127.0.0.1:0";
        lo.broadcastAddress = "127.0.0.1";
        lookupd = new Nsqlookupd(lo);
        sync(lookupd.start());
        NsqdOptions no = new NsqdOptions();
        no.tcpAddress = "127.0.0.1:0";
        no.httpAddress = "127.0.0.1:0";
        no.dataPath = dir.resolve("nsqd").toString();
        no.broadcastAddress = "127.0.0.1";
        no.lookupPingIntervalMs = 1_000;
        no.lookupdTcpAddresses.add("127.0.0.1:" + lookupd.tcpPort());
        nsqd = new Nsqd(no);
        sync(nsqd.start());
        admin = admin(o -> o.lookupdHttpAddresses.add("127.0.0.1:" + lookupd.httpPort()));
        port = admin.httpPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (admin != null) sync(admin.stop());
        if (nsqd != null) sync(nsqd.stop());
        if (lookupd != null) sync(lookupd.stop());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void topicsNodesAndActionsGoThroughLookupd() throws Exception {
        String t = unique("lkd");
        nsqdPost(nsqd, "/topic/create?topic=" + t, "");
        nsqdPost(nsqd, "/channel/create?topic=" + t + "&channel=ch", "");
        for (int i = 0; i < 3; i++) nsqdPost(nsqd, "/pub?topic=" + t, "m" + i);
        await().atMost(Duration.ofSeconds(20)).until(() -> texts(get(port, "/api/topics").json().path("topics")).contains(t));

        Resp topic = get(port, "/api/topics/" + t);
        assertEquals(200, topic.status(), topic.text());
        assertEquals("", topic.message());
        assertEquals(3, topic.json().path("message_count").asLong());
        assertEquals(nsqdAddr(nsqd), topic.json().path("nodes").get(0).path("node").asText());

        Resp nodes = get(port, "/api/nodes");
        JsonNode node = nodes.json().path("nodes").get(0);
        assertEquals(nsqd.tcpPort(), node.path("tcp_port").asInt());
        assertTrue(node.path("topics").findValuesAsText("topic").contains(t), nodes.text());

        String created = unique("made");
        assertEquals(200, send("POST", port, "/api/topics", "{\"topic\":\"" + created + "\",\"channel\":\"c\"}", Map.of()).status());
        JsonNode inactive = get(port, "/api/topics?inactive=true").json().path("topics");
        assertEquals(List.of("c"), texts(inactive.path(created)), "known to lookupd, on no nsqd");

        assertEquals(200, send("POST", port, "/api/topics/" + t + "/ch", "{\"action\":\"pause\"}", Map.of()).status());
        assertTrue(nsqdChannel(nsqd, t, "ch").path("paused").asBoolean());

        Resp deleted = send("DELETE", port, "/api/topics/" + t, null, Map.of());
        assertEquals(200, deleted.status(), deleted.text());
        assertTrue(nsqdTopic(nsqd, t).isMissingNode());
        await().atMost(Duration.ofSeconds(20)).until(() -> !texts(get(lookupd.httpPort(), "/topics").json().path("topics")).contains(t));
    }

    @Test
    void pagesShowTheClusterLookupdKnows() throws Exception {
        String t = unique("seen");
        for (int i = 0; i < 4; i++) nsqdPost(nsqd, "/pub?topic=" + t, "m" + i);
        nsqdPost(nsqd, "/channel/create?topic=" + t + "&channel=workers", "");
        try (Browser browser = new Browser("http://127.0.0.1:" + port)) {
            browser.open("/");
            browser.waitUntil("Streams lists the topic lookupd knows", d ->
                    browser.text(By.cssSelector("tr[data-topic='" + t + "'] td.messages")).equals("4"));
            assertTrue(browser.driver.findElement(By.id("banner")).getAttribute("hidden") != null, "no warning: every daemon answers");
            browser.screenshot("lookupd-streams");
            browser.open("/nodes");
            browser.waitUntil("the nsqd is listed", d -> browser.text(By.id("nodes")).contains(String.valueOf(nsqd.tcpPort())));
            browser.screenshot("lookupd-nodes");
            browser.open("/lookup");
            browser.waitUntil("lookupd's topics are listed", d -> browser.text(By.id("all-topics")).contains(t));
            browser.screenshot("lookupd-lookup");
        }
    }
}
