package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * --max-bytes-per-queue over real sockets: a publish that would take the topic or any of its
 * channels past the bound is refused (TCP: non-fatal E_PUB_FAILED / E_MPUB_FAILED / E_DPUB_FAILED,
 * HTTP: 503 QUEUE_FULL), nothing accepted is dropped, publishing works again once consumers drain
 * the queue, and /stats, /metrics and /config show the bytes held against the bound.
 */
class BoundedQueueTest {
    @TempDir Path dir;

    /** A body of exactly n bytes. */
    private static String bytes(int n, char c) { return String.valueOf(c).repeat(n); }

    private static void create(TestNsqd n, String topic, String... channels) throws Exception {
        assertEquals(200, n.post("/topic/create?topic=" + topic, "").statusCode());
        for (String c : channels) assertEquals(200, n.post("/channel/create?topic=" + topic + "&channel=" + c, "").statusCode());
    }

    @Test
    void tcpPublishesPastTheBoundAreRefusedWithoutClosingTheConnectionAndAcceptedAgainOnceDrained() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> o.maxBytesPerQueue = 100)) {
            assertEquals("100", n.get("/config/max_bytes_per_queue").body());
            create(n, "orders", "billing");
            try (WireClient p = n.connect()) {
                p.cmd("PUB orders", bytes(40, 'a'));
                assertEquals("OK", p.read().text());
                p.cmd("PUB orders", bytes(40, 'b'));
                assertEquals("OK", p.read().text());
                p.cmd("PUB orders", bytes(40, 'c'));
                Frame f = p.read();
                assertEquals(1, f.type());
                assertEquals("E_PUB_FAILED PUB failed channel orders:billing is full (80 of 100 bytes held)", f.text());
                p.cmd("MPUB orders", WireClient.mpubBody(bytes(15, 'd'), bytes(15, 'e')));
                assertTrue(p.read().text().startsWith("E_MPUB_FAILED MPUB failed channel orders:billing is full"));
                p.cmd("DPUB orders 1000", bytes(30, 'f'));
                assertTrue(p.read().text().startsWith("E_DPUB_FAILED DPUB failed channel orders:billing is full"));
                p.cmd("PUB orders", bytes(20, 'g')); // exactly up to the bound, on the same connection
                assertEquals("OK", p.read().text());
                assertFalse(p.closedWithin(200), "the producer keeps its connection");

                JsonNode billing = n.channelStats("orders", "billing");
                assertEquals(100, billing.path("held_bytes").asLong());
                assertEquals(100, billing.path("max_bytes").asLong());
                assertEquals(3, billing.path("depth").asLong(), "the refused ones were not taken");
                assertEquals(3, n.topicStats("orders").path("message_count").asLong());
                assertEquals(0, n.topicStats("orders").path("held_bytes").asLong(), "the topic passed them on");
                assertEquals(100, n.topicStats("orders").path("max_bytes").asLong());
                String metrics = n.get("/metrics").body();
                assertTrue(metrics.contains("nsq_topic_channel_held_bytes{channel=\"billing\",topic=\"orders\"} 100.0"), metrics);
                assertTrue(metrics.contains("nsq_max_bytes_per_queue 100.0"), metrics);

                try (WireClient c = n.subscribe("orders", "billing", 1)) {
                    Frame m = c.readSkippingHeartbeats(5000);
                    assertEquals(100, n.channelStats("orders", "billing").path("held_bytes").asLong(), "in flight is still held");
                    c.cmd("FIN " + m.id());
                    await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("orders", "billing").path("held_bytes").asLong() == 60);
                }
                p.cmd("PUB orders", bytes(40, 'h'));
                assertEquals("OK", p.read().text(), "drained: accepted again");
            }
            Set<String> got = new HashSet<>();
            try (WireClient c = n.subscribe("orders", "billing", 10)) {
                for (int i = 0; i < 3; i++) {
                    Frame m = c.readSkippingHeartbeats(5000);
                    got.add(m.body());
                    c.cmd("FIN " + m.id());
                }
                assertNull(c.readSkippingHeartbeatsOrNull(300));
            }
            assertEquals(Set.of(bytes(40, 'b'), bytes(20, 'g'), bytes(40, 'h')), got, "every accepted message, none of the refused");
        }
    }

    @Test
    void httpPublishesPastTheBoundAre503QueueFull() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> o.maxBytesPerQueue = 10)) {
            create(n, "web", "c");
            assertEquals(200, n.post("/pub?topic=web", "12345678").statusCode());
            HttpResponse<String> r = n.post("/pub?topic=web", "123");
            assertEquals(503, r.statusCode());
            assertEquals("{\"message\":\"QUEUE_FULL\"}", r.body());
            r = n.post("/mpub?topic=web", "a\nb\nc");
            assertEquals(503, r.statusCode());
            assertEquals("{\"message\":\"QUEUE_FULL\"}", r.body());
            r = n.post("/pub?topic=web&defer=1000", "xyz");
            assertEquals(503, r.statusCode());
            assertEquals(200, n.post("/pub?topic=web", "12").statusCode());
        }
    }

    @Test
    void oneFullChannelRefusesForTheWholeTopicAndDeferredMessagesCount() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> o.maxBytesPerQueue = 50)) {
            create(n, "fan", "fast", "idle");
            try (WireClient fast = n.subscribe("fan", "fast", 100); WireClient p = n.connect()) {
                p.cmd("DPUB fan 60000", bytes(30, 'x')); // deferred on both channels
                assertEquals("OK", p.read().text());
                assertEquals(30, n.channelStats("fan", "idle").path("held_bytes").asLong());
                assertEquals(30, n.channelStats("fan", "fast").path("held_bytes").asLong(), "deferred bytes are held");
                p.cmd("PUB fan", bytes(20, 'y'));
                assertEquals("OK", p.read().text());
                fast.cmd("FIN " + fast.readSkippingHeartbeats(5000).id());
                await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("fan", "fast").path("held_bytes").asLong() == 30);
                p.cmd("PUB fan", bytes(5, 'z'));
                assertEquals("E_PUB_FAILED PUB failed channel fan:idle is full (50 of 50 bytes held)", p.read().text(),
                        "the idle channel is full, so the topic takes nothing");
            }
        }
    }

    @Test
    void aTopicWithoutChannelsIsBoundedAndItsChannelsInheritWhatItHeld() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> {
            o.maxBytesPerQueue = 30;
            o.memQueueSize = 1; // the rest waits on the topic's disk
        })) {
            assertEquals(200, n.post("/pub?topic=early", bytes(10, 'a')).statusCode());
            assertEquals(200, n.post("/pub?topic=early", bytes(10, 'b')).statusCode());
            assertEquals(200, n.post("/pub?topic=early", bytes(10, 'c')).statusCode());
            assertEquals(503, n.post("/pub?topic=early", "d").statusCode());
            assertEquals(30, n.topicStats("early").path("held_bytes").asLong());
            try (WireClient c = n.subscribe("early", "late", 0)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> n.topicStats("early").path("held_bytes").asLong() == 0
                        && n.channelStats("early", "late").path("held_bytes").asLong() == 30);
                assertEquals(503, n.post("/pub?topic=early", "d").statusCode(), "now the channel is full");
                c.cmd("RDY 3");
                for (int i = 0; i < 3; i++) c.cmd("FIN " + c.readSkippingHeartbeats(5000).id());
                await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("early", "late").path("held_bytes").asLong() == 0);
                assertEquals(200, n.post("/pub?topic=early", "d").statusCode());
            }
        }
    }

    @Test
    void bytesOnDiskAreCountedAgainAfterARestart() throws Exception {
        java.util.function.Consumer<NsqdOptions> opts = o -> {
            o.maxBytesPerQueue = 1000;
            o.memQueueSize = 0;
        };
        try (TestNsqd n = new TestNsqd(dir, opts)) {
            create(n, "kept", "c");
            for (int i = 0; i < 9; i++) assertEquals(200, n.post("/pub?topic=kept", bytes(100, (char) ('a' + i))).statusCode());
        }
        try (TestNsqd n = new TestNsqd(dir, opts)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("kept", "c").path("held_bytes").asLong() == 900);
            assertEquals(503, n.post("/pub?topic=kept", bytes(101, 'x')).statusCode());
            assertEquals(200, n.post("/pub?topic=kept", bytes(100, 'x')).statusCode());
        }
    }

    @Test
    void aDeadLetterRefusedByAFullDeadLetterTopicStaysInItsChannel() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> {
            o.maxBytesPerQueue = 10;
            o.maxAttempts = 1;
        })) {
            create(n, "jobs", "w");
            assertEquals(200, n.post("/pub?topic=jobs.w.dlq", "filler").statusCode()); // 6 of 10 bytes
            assertEquals(200, n.post("/pub?topic=jobs", "poison").statusCode());
            try (WireClient c = n.subscribe("jobs", "w", 1)) {
                Frame first = c.readSkippingHeartbeats(5000);
                c.cmd("REQ " + first.id() + " 0"); // 6 more bytes would pass the bound: refused, requeued
                Frame again = c.readSkippingHeartbeats(5000);
                assertEquals("poison", again.body());
                assertEquals(2, again.attempts(), "kept in its channel, not lost");
                assertEquals(0, n.channelStats("jobs", "w").path("dead_letter_count").asLong());
                try (WireClient dlq = n.subscribe("jobs.w.dlq", "drain", 1)) {
                    assertEquals("filler", dlq.readSkippingHeartbeats(5000).body());
                    dlq.cmd("RDY 0");
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("jobs.w.dlq", "drain").path("held_bytes").asLong() == 6
                        && n.topicStats("jobs.w.dlq").path("held_bytes").asLong() == 0);
                assertEquals(200, n.post("/channel/empty?topic=jobs.w.dlq&channel=drain", "").statusCode());
                c.cmd("REQ " + again.id() + " 0");
                await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("jobs", "w").path("dead_letter_count").asLong() == 1);
                assertEquals(0, n.channelStats("jobs", "w").path("held_bytes").asLong());
                assertEquals(6, n.channelStats("jobs.w.dlq", "drain").path("held_bytes").asLong());
            }
        }
    }

    @Test
    void unboundedByDefaultWithNsqsStatsKeys() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> { })) {
            assertEquals("0", n.get("/config/max_bytes_per_queue").body());
            create(n, "free", "c");
            for (int i = 0; i < 20; i++) assertEquals(200, n.post("/pub?topic=free", bytes(10_000, 'q')).statusCode());
            assertTrue(n.topicStats("free").path("held_bytes").isMissingNode());
            assertTrue(n.topicStats("free").path("max_bytes").isMissingNode());
            assertTrue(n.channelStats("free", "c").path("held_bytes").isMissingNode());
            assertFalse(n.get("/metrics").body().contains("nsq_max_bytes_per_queue "));
            assertTrue(new NsqdOptions().flagSet().usage().contains("-max-bytes-per-queue"));
        }
    }
}
