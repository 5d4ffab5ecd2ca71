package dev.nsq.it.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.nsqadmin.Nsqadmin;
import dev.nsq.nsqd.Nsqd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static dev.nsq.it.admin.AdminFixture.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * nsqadmin's Peek panel in headless Chromium over a real nsqd: the channel's next messages, a
 * UTF-8 body as text and a binary one as hex, with nothing consumed (nsqd's own /stats and a
 * second peek agree); the Topic page's panel; the API behind it; and the figures of nsqd's other
 * opt-in features: the channel page's dead-letter count (--max-attempts) and the bytes held
 * against --max-bytes-per-queue on the Channel and Topic pages.
 */
@Timeout(180)
class AdminPeekBrowserTest {
    @TempDir Path dir;
    Nsqd nsqd;
    Nsqadmin admin;
    Browser browser;

    @AfterEach
    void stop() throws Exception {
        if (browser != null) browser.close();
        if (admin != null) sync(admin.stop());
        if (nsqd != null) sync(nsqd.stop());
    }

    /**
     * nsqd (dead letters after one delivery, a short message timeout, a 1 MiB bound per queue) and
     * nsqadmin; a new topic with one channel.
     */
    private String start(String prefix, String channel) throws Exception {
        nsqd = nsqd(dir.resolve("nsqd"), o -> {
            o.maxAttempts = 1;
            o.msgTimeoutMs = 500;
            o.queueScanIntervalMs = 50;
            o.maxBytesPerQueue = 1 << 20;
        });
        admin = admin(a -> a.nsqdHttpAddresses.add(nsqdAddr(nsqd)));
        String topic = unique(prefix);
        nsqdPost(nsqd, "/topic/create?topic=" + topic, "");
        nsqdPost(nsqd, "/channel/create?topic=" + topic + "&channel=" + channel, "");
        return topic;
    }

    private void pubBytes(String topic, byte[] body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + nsqdAddr(nsqd) + "/pub?topic=" + topic))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void thePeekPanelShowsTheNextMessagesAsTextOrHexAndConsumesNothing() throws Exception {
        String topic = start("peek", "billing");
        nsqdPost(nsqd, "/pub?topic=" + topic, "héllo wörld");
        pubBytes(topic, new byte[]{(byte) 0xff, (byte) 0xfe, 0x00, 0x01});
        String peekedBefore = nsqdPeek(topic);

        // the API behind the panel
        Resp api = get(admin.httpPort(), "/api/peek/" + topic + "/billing?count=5");
        assertEquals(200, api.status(), api.text());
        JsonNode node = api.json().path("nodes").path(0);
        assertEquals(nsqdAddr(nsqd), node.path("node").asText());
        assertEquals(2, node.path("messages").size());
        assertEquals("héllo wörld", new String(Base64.getDecoder().decode(node.path("messages").path(0).path("body").asText()), StandardCharsets.UTF_8));
        assertEquals(400, get(admin.httpPort(), "/api/peek/" + topic + "/billing?count=zero").status());
        assertEquals("INVALID_COUNT", get(admin.httpPort(), "/api/peek/" + topic + "/billing?count=0").message());

        browser = new Browser("http://127.0.0.1:" + admin.httpPort());
        browser.open("/topics/" + topic + "/billing");
        browser.waitFor(By.id("peek-button"));
        browser.click(By.id("peek-button"));
        browser.waitUntil("two messages peeked", d -> d.findElements(By.cssSelector("#peek-messages tr.peeked")).size() == 2);
        String first = browser.text(By.cssSelector("#peek-messages tr.peeked:nth-child(1) td.body"));
        String second = browser.text(By.cssSelector("#peek-messages tr.peeked:nth-child(2) td.body"));
        assertEquals("text héllo wörld", first, "UTF-8 shows as text");
        assertEquals("hex ff fe 00 01", second, "anything else as hex");
        assertTrue(browser.text(By.id("peek-messages")).contains(nsqdAddr(nsqd)));
        // live samples (every 300 ms here) redraw the figures above; the panel stays
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> browser.driver.findElements(By.cssSelector("#peek-messages tr.peeked")).size() == 2);
        browser.screenshot("channel-peek");

        JsonNode billing = nsqdChannel(nsqd, topic, "billing");
        assertEquals(2, billing.path("depth").asLong(), "nothing consumed");
        assertEquals(0, billing.path("in_flight_count").asLong());
        assertEquals(peekedBefore, nsqdPeek(topic), "same messages, same attempts, same order");

        // the Topic page's panel: a topic without channels keeps its messages, and shows them
        String waiting = unique("waiting");
        nsqdPost(nsqd, "/pub?topic=" + waiting, "held at the topic");
        browser.open("/topics/" + waiting);
        browser.waitFor(By.id("peek-count")).clear();
        browser.driver.findElement(By.id("peek-count")).sendKeys("3");
        browser.click(By.id("peek-button"));
        browser.waitUntil("the topic's message peeked", d -> browser.text(By.id("peek-messages")).contains("held at the topic"));
        browser.screenshot("topic-peek");
    }

    @Test
    void theChannelPageCountsDeadLettersAndLinksToTheDeadLetterTopic() throws Exception {
        String topic = start("dlq", "worker");
        try (RawConsumer never = new RawConsumer(nsqd.tcpPort(), topic, "worker", 1)) {
            nsqdPost(nsqd, "/pub?topic=" + topic, "poison");
            await().atMost(Duration.ofSeconds(20)).until(() -> nsqdChannel(nsqd, topic, "worker").path("dead_letter_count").asLong() == 1);
        }
        browser = new Browser("http://127.0.0.1:" + admin.httpPort());
        browser.open("/topics/" + topic + "/worker");
        browser.waitUntil("the dead-letter card", d -> browser.text(By.cssSelector("#channel-dead-letters .value")).equals("1"));
        assertTrue(browser.text(By.id("channel-dead-letters")).contains(topic + ".worker.dlq"));
        browser.screenshot("channel-dead-letters");
        browser.click(By.linkText(topic + ".worker.dlq"));
        browser.waitUntil("the dead-letter topic's page", d -> browser.text(By.id("topic-name")).equals(topic + ".worker.dlq"));
    }

    @Test
    void theChannelAndTopicPagesShowTheBytesHeldAgainstTheBound() throws Exception {
        String topic = start("bounded", "slow");
        nsqdPost(nsqd, "/pub?topic=" + topic, "x".repeat(2048));
        browser = new Browser("http://127.0.0.1:" + admin.httpPort());
        browser.open("/topics/" + topic + "/slow");
        browser.waitUntil("the channel's held bytes", d -> browser.text(By.cssSelector("#channel-held-bytes .value")).equals("2.0 KiB"));
        assertEquals("of 1.0 MiB · 0% full", browser.text(By.cssSelector("#channel-held-bytes .sub")));
        browser.screenshot("channel-held-bytes");
        browser.open("/topics/" + topic);
        browser.waitUntil("the topic's held bytes", d -> browser.text(By.cssSelector("#topic-held-bytes .value")).equals("0 B"));
        JsonNode api = get(admin.httpPort(), "/api/topics/" + topic + "/slow").json();
        assertEquals(2048, api.path("held_bytes").asLong());
        assertEquals(1 << 20, api.path("max_bytes").asLong());
    }

    private String nsqdPeek(String topic) throws Exception {
        return get(nsqd.httpPort(), "/channel/peek?topic=" + topic + "&channel=billing&count=10").text();
    }
}
