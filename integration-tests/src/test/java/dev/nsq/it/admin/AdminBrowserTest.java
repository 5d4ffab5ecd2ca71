package dev.nsq.it.admin;

import dev.nsq.nsqadmin.Nsqadmin;
import dev.nsq.nsqd.Nsqd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.nio.file.Path;
import java.time.Duration;

import static dev.nsq.it.admin.AdminFixture.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The pages in headless Chromium over a real nsqd (and a second, dead, nsqd address): counts on
 * Streams and Topic, pausing a channel and deleting a topic through the UI, checked in nsqd's own
 * {@code /stats}. Screenshots of every page go to {@code target/screenshots/}.
 */
@Timeout(180)
class AdminBrowserTest {
    @TempDir Path dir;
    Nsqd nsqd;
    Nsqadmin admin;
    Browser browser;
    int deadPort;

    @BeforeEach
    void start() throws Exception {
        nsqd = nsqd(dir.resolve("nsqd"));
        deadPort = closedPort();
        admin = admin(o -> {
            o.nsqdHttpAddresses.add(nsqdAddr(nsqd));
            o.nsqdHttpAddresses.add("127.0.0.1:" + deadPort);
        });
        browser = new Browser("http://127.0.0.1:" + admin.httpPort());
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) browser.close();
        if (admin != null) sync(admin.stop());
        if (nsqd != null) sync(nsqd.stop());
    }

    @Test
    void publishedCountsShowAndTheUiPausesAChannelAndDeletesATopic() throws Exception {
        String topic = unique("orders");
        nsqdPost(nsqd, "/topic/create?topic=" + topic, "");
        nsqdPost(nsqd, "/channel/create?topic=" + topic + "&channel=billing", "");
        nsqdPost(nsqd, "/channel/create?topic=" + topic + "&channel=audit", "");
        for (int i = 0; i < 7; i++) nsqdPost(nsqd, "/pub?topic=" + topic, "order " + i);
        try (RawConsumer consumer = new RawConsumer(nsqd.tcpPort(), topic, "billing", 3)) {

            // Streams: the topic with its message count, and the dead node as a warning
            browser.open("/");
            browser.waitUntil("Streams lists the topic with 7 messages", d ->
                    browser.text(By.cssSelector("tr[data-topic='" + topic + "'] td.messages")).equals("7"));
            assertTrue(browser.text(By.id("banner")).contains("127.0.0.1:" + deadPort), browser.text(By.id("banner")));
            browser.screenshot("streams");
            browser.waitFor(By.id("topic-filter")).sendKeys("no-such-topic");
            browser.waitUntil("the filter hides the topic", d -> browser.text(By.id("topics")).contains("No topic matches"));
            browser.driver.findElement(By.id("topic-filter")).clear();
            browser.driver.findElement(By.id("topic-filter")).sendKeys(topic.substring(0, 6));
            browser.waitFor(By.cssSelector("tr[data-topic='" + topic + "']"));

            // Topic: per-node and per-channel figures
            browser.click(By.linkText(topic));
            browser.waitUntil("Topic page shows 7 messages", d -> browser.text(By.cssSelector("#topic-messages .value")).equals("7"));
            assertEquals(topic, browser.text(By.id("topic-name")));
            browser.waitFor(By.cssSelector("#channels tr[data-channel='billing']"));
            assertTrue(browser.text(By.id("topic-nodes")).contains(nsqdAddr(nsqd)));
            browser.waitUntil("the consumer's 3 messages are in flight", d ->
                    browser.text(By.cssSelector("#channels tr[data-channel='billing']")).contains("3"));
            browser.screenshot("topic");

            // Channel: its consumer, then pause through the UI and see nsqd paused
            browser.click(By.linkText("billing"));
            browser.waitFor(By.id("clients"));
            browser.waitUntil("the consumer is listed", d -> browser.text(By.id("clients")).contains("127.0.0.1:"));
            browser.screenshot("channel");
            browser.click(By.id("pause-channel"));
            await().atMost(Duration.ofSeconds(20)).until(() -> nsqdChannel(nsqd, topic, "billing").path("paused").asBoolean());
            browser.waitFor(By.id("unpause-channel"));
            browser.screenshot("channel-paused");

            // destructive actions ask first: cancelling deletes nothing, confirming empties the channel
            browser.click(By.id("delete-channel"));
            browser.click(By.id("confirm-cancel"));
            assertFalse(nsqdChannel(nsqd, topic, "billing").isMissingNode(), "cancelled, so not deleted");
            assertEquals(4, nsqdChannel(nsqd, topic, "billing").path("depth").asLong());
            browser.click(By.id("empty-channel"));
            browser.click(By.id("confirm-ok"));
            await().atMost(Duration.ofSeconds(20)).until(() -> nsqdChannel(nsqd, topic, "billing").path("depth").asLong() == 0);

            // the other pages
            for (String page : new String[]{"nodes", "counter", "lookup"}) {
                browser.click(By.linkText(Character.toUpperCase(page.charAt(0)) + page.substring(1)));
                browser.waitUntil(page + " page is drawn", d -> !browser.text(By.cssSelector(".page-head h1")).isEmpty());
                if (page.equals("nodes")) browser.waitFor(By.cssSelector("#nodes tbody tr"));
                if (page.equals("counter")) browser.waitUntil("counter counts", d -> !browser.text(By.id("counter-total")).equals("–"));
                if (page.equals("lookup")) browser.waitFor(By.id("all-topics"));
                browser.screenshot(page);
            }
            browser.open("/nodes/" + nsqdAddr(nsqd));
            browser.waitFor(By.cssSelector("#node-topics tbody tr"));
            browser.screenshot("node");

            // phone width
            browser.resize(390, 844);
            browser.open("/topics/" + topic);
            browser.waitUntil("Topic page at phone width", d -> browser.text(By.cssSelector("#topic-messages .value")).equals("7"));
            browser.screenshot("topic-phone");
            browser.open("/");
            browser.waitFor(By.cssSelector("tr[data-topic='" + topic + "']"));
            browser.screenshot("streams-phone");
            browser.resize(1280, 900);

            // delete the topic through the UI, confirming in the dialog
            browser.open("/topics/" + topic);
            browser.click(By.id("delete-topic"));
            browser.waitFor(By.id("confirm-ok"));
            browser.screenshot("topic-delete-confirm");
            browser.click(By.id("confirm-ok"));
            await().atMost(Duration.ofSeconds(20)).until(() -> nsqdTopic(nsqd, topic).isMissingNode());
            browser.waitUntil("back on Streams without the topic", d ->
                    d.getCurrentUrl().endsWith("/") && d.findElements(By.cssSelector("tr[data-topic='" + topic + "']")).isEmpty()
                            && d.findElements(By.id("topics")).size() == 1);
            browser.screenshot("streams-after-delete");
        }
    }

    @Test
    void lookupPageCreatesATopicAndChannel() throws Exception {
        String topic = unique("created");
        browser.open("/lookup");
        browser.waitFor(By.id("create-topic")).sendKeys(topic);
        browser.waitFor(By.id("create-channel")).sendKeys("first");
        browser.click(By.id("create-submit"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !nsqdChannel(nsqd, topic, "first").isMissingNode());
        browser.waitUntil("the new topic is listed", d -> browser.text(By.id("all-topics")).contains(topic));
    }
}
