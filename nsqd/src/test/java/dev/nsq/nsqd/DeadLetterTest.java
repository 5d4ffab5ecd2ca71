package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import dev.nsq.protocol.Names;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * --max-attempts and the dead-letter topic {@code T.C.dlq}, over real sockets: a message requeued
 * or timed out after its Nth delivery leaves the channel for the dead-letter topic with its body;
 * /stats, /metrics and /config show it; with the flag at 0 nsqd requeues forever, as NSQ.
 */
class DeadLetterTest {
    @TempDir Path dir;

    @Test
    void aMessageRequeuedAtItsNthDeliveryGoesToTheDeadLetterTopicWithItsBody() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> o.maxAttempts = 3)) {
            assertEquals("3", n.get("/config/max_attempts").body());
            assertEquals(200, n.post("/pub?topic=orders", "poison").statusCode());
            assertEquals(200, n.post("/pub?topic=orders", "good").statusCode());
            try (WireClient c = n.subscribe("orders", "billing", 1)) {
                int poisonDeliveries = 0;
                while (poisonDeliveries < 3) {
                    Frame f = c.readSkippingHeartbeats(5000);
                    if (f.body().equals("good")) {
                        c.cmd("FIN " + f.id());
                        continue;
                    }
                    poisonDeliveries++;
                    assertEquals(poisonDeliveries, f.attempts());
                    c.cmd("REQ " + f.id() + " 0");
                }
                assertNull(c.readSkippingHeartbeatsOrNull(500), "the third REQ sent it to dead letters, not back");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("orders", "billing").path("dead_letter_count").asLong() == 1);
            JsonNode billing = n.channelStats("orders", "billing");
            assertEquals(0, billing.path("depth").asLong());
            assertEquals(0, billing.path("in_flight_count").asLong());
            assertEquals(3, billing.path("requeue_count").asLong(), "the REQs are counted as such");
            assertEquals(1, n.topicStats("orders.billing.dlq").path("depth").asLong(), "held by the dead-letter topic");

            try (WireClient dlq = n.subscribe("orders.billing.dlq", "inspect", 1)) {
                Frame f = dlq.readSkippingHeartbeats(5000);
                assertEquals("poison", f.body());
                assertEquals(1, f.attempts(), "a fresh message in the dead-letter topic");
                dlq.cmd("FIN " + f.id());
            }
            String metrics = n.get("/metrics").body();
            assertTrue(metrics.contains("nsq_topic_channel_dead_letter_count{channel=\"billing\",topic=\"orders\"} 1.0"), metrics);
        }
    }

    @Test
    void aMessageThatTimesOutAtItsNthDeliveryGoesToDeadLettersToo() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> {
            o.maxAttempts = 2;
            o.msgTimeoutMs = 300;
            o.queueScanIntervalMs = 20;
        })) {
            assertEquals(200, n.post("/pub?topic=slow", "never finished").statusCode());
            try (WireClient c = n.subscribe("slow", "worker", 5)) {
                assertEquals(1, c.readSkippingHeartbeats(5000).attempts());
                assertEquals(2, c.readSkippingHeartbeats(5000).attempts(), "redelivered after its timeout");
                assertNull(c.readSkippingHeartbeatsOrNull(1000), "the second timeout sent it to dead letters");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> n.topicStats("slow.worker.dlq").path("depth").asLong() == 1);
            JsonNode w = n.channelStats("slow", "worker");
            assertEquals(2, w.path("timeout_count").asLong());
            assertEquals(1, w.path("dead_letter_count").asLong());
            assertEquals(0, w.path("depth").asLong() + w.path("in_flight_count").asLong() + w.path("deferred_count").asLong());
        }
    }

    @Test
    void aDeferredRequeueAtTheLastAttemptIsNotDeferredButDeadLettered() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> o.maxAttempts = 1)) {
            assertEquals(200, n.post("/pub?topic=later", "x").statusCode());
            try (WireClient c = n.subscribe("later", "c", 1)) {
                Frame f = c.readSkippingHeartbeats(5000);
                c.cmd("REQ " + f.id() + " 60000");
                await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("later", "c").path("dead_letter_count").asLong() == 1);
                assertEquals(0, n.channelStats("later", "c").path("deferred_count").asLong());
            }
        }
    }

    @Test
    void withTheDefaultNsqdRequeuesForeverAndReportsNothingNew() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> { })) {
            assertEquals("0", n.get("/config/max_attempts").body());
            assertEquals(200, n.post("/pub?topic=plain", "again").statusCode());
            try (WireClient c = n.subscribe("plain", "c", 1)) {
                for (int i = 1; i <= 8; i++) {
                    Frame f = c.readSkippingHeartbeats(5000);
                    assertEquals(i, f.attempts());
                    c.cmd("REQ " + f.id() + " 0");
                }
                c.readSkippingHeartbeats(5000); // still coming back
            }
            JsonNode ch = n.channelStats("plain", "c");
            assertTrue(ch.path("dead_letter_count").isMissingNode(), "NSQ's /stats keys only: " + ch);
            assertTrue(n.topicStats("plain.c.dlq").isMissingNode());
            assertFalse(n.get("/metrics").body().contains("nsq_topic_channel_dead_letter_count{"));
        }
    }

    @Test
    void aDeadLetteredDiskMessageLeavesTheChannelForGoodAcrossARestart() throws Exception {
        java.util.function.Consumer<NsqdOptions> durable = o -> {
            o.maxAttempts = 1;
            o.memQueueSize = 0;
            o.syncEvery = 1;
        };
        try (TestNsqd n = new TestNsqd(dir, durable)) {
            assertEquals(200, n.post("/topic/create?topic=durable", "").statusCode());
            assertEquals(200, n.post("/channel/create?topic=durable&channel=c", "").statusCode());
            assertEquals(200, n.post("/pub?topic=durable", "from disk").statusCode());
            try (WireClient c = n.subscribe("durable", "c", 1)) {
                Frame f = c.readSkippingHeartbeats(5000);
                c.cmd("REQ " + f.id() + " 0");
                await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("durable", "c").path("dead_letter_count").asLong() == 1);
            }
        }
        try (TestNsqd n = new TestNsqd(dir, durable)) {
            try (WireClient c = n.subscribe("durable", "c", 1)) {
                assertNull(c.readSkippingHeartbeatsOrNull(1000), "its record was acknowledged: not read again");
            }
            try (WireClient dlq = n.subscribe("durable.c.dlq", "inspect", 1)) {
                assertEquals("from disk", dlq.readSkippingHeartbeats(5000).body());
            }
        }
    }

    @Test
    void anEphemeralChannelsDeadLettersGoToAnEphemeralTopic() throws Exception {
        assertEquals("t.c.dlq#ephemeral", DeadLetters.topicFor("t", "c#ephemeral"));
        try (TestNsqd n = new TestNsqd(dir, o -> o.maxAttempts = 1)) {
            try (WireClient dlq = n.subscribe("jobs.tmp.dlq#ephemeral", "inspect", 1);
                 WireClient c = n.subscribe("jobs", "tmp#ephemeral", 1)) {
                assertEquals(200, n.post("/pub?topic=jobs", "ephemeral poison").statusCode());
                Frame f = c.readSkippingHeartbeats(5000);
                c.cmd("REQ " + f.id() + " 0");
                assertEquals("ephemeral poison", dlq.readSkippingHeartbeats(5000).body());
            }
        }
    }

    @Test
    void theDeadLetterTopicNameStaysValidAndDistinctPastSixtyFourCharacters() {
        assertEquals("orders.billing.dlq", DeadLetters.topicFor("orders", "billing"));
        assertEquals("t.c.dlq#ephemeral", DeadLetters.topicFor("t#ephemeral", "c"));
        String topic = "a".repeat(40), c1 = "b".repeat(30) + "1", c2 = "b".repeat(30) + "2";
        String d1 = DeadLetters.topicFor(topic, c1), d2 = DeadLetters.topicFor(topic, c2);
        assertEquals(64, d1.length());
        assertTrue(Names.isValid(d1) && Names.isValid(d2), d1);
        assertNotEquals(d1, d2);
        assertTrue(d1.startsWith(topic + ".bbbbbbb") && d1.endsWith(".dlq"), d1);
        assertTrue(d1.matches("[ab.]+-[0-9a-f]{8}\\.dlq"), d1);
        String e = DeadLetters.topicFor(topic, c1 + "#ephemeral");
        assertEquals(64, e.length());
        assertTrue(Names.isValid(e) && e.endsWith(".dlq#ephemeral"), e);
        assertEquals(d1, DeadLetters.topicFor(topic, c1), "the same name every time");
    }

    @Test
    void theFlagIsInHelpAndChecked() {
        assertTrue(new NsqdOptions().flagSet().usage().contains("-max-attempts"));
        assertEquals(5, NsqdOptions.fromArgs("--max-attempts=5").maxAttempts);
        assertThrows(dev.nsq.daemon.flags.FlagSet.FlagException.class, () -> NsqdOptions.fromArgs("--max-attempts=70000"));
    }
}
