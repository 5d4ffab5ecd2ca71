package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code GET /channel/peek} and {@code GET /topic/peek}: the next messages in delivery order, from
 * memory and disk, with ID, attempts, timestamp and base64 body, leaving depth, attempts and order
 * as they were.
 */
class PeekTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private static void mpub(TestNsqd n, String topic, String prefix, int count) throws Exception {
        try (WireClient p = n.connect()) {
            String[] bodies = new String[count];
            for (int i = 0; i < count; i++) bodies[i] = prefix + i;
            p.cmd("MPUB " + topic, WireClient.mpubBody(bodies));
            assertEquals("OK", p.read().text());
        }
    }

    private static JsonNode peek(TestNsqd n, String query) throws Exception {
        HttpResponse<String> r = n.get(query);
        assertEquals(200, r.statusCode(), query + " -> " + r.body());
        return JSON.readTree(r.body()).path("messages");
    }

    private static List<String> bodies(JsonNode messages) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : messages) out.add(new String(Base64.getDecoder().decode(m.path("body").asText()), StandardCharsets.UTF_8));
        return out;
    }

    @Test
    void channelPeekShowsTheNextMessagesFromMemoryAndDiskInDeliveryOrderAndConsumesNothing() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> o.memQueueSize = 3)) {
            assertEquals(200, n.post("/topic/create?topic=orders", "").statusCode());
            assertEquals(200, n.post("/channel/create?topic=orders&channel=billing", "").statusCode());
            mpub(n, "orders", "m", 10); // 3 in memory, 7 on disk
            await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("orders", "billing").path("depth").asLong() == 10);

            JsonNode one = peek(n, "/channel/peek?topic=orders&channel=billing");
            assertEquals(1, one.size(), "count defaults to 1");
            JsonNode first = one.path(0);
            assertTrue(first.path("id").asText().matches("[0-9a-f]{16}"), first.toString());
            assertEquals(0, first.path("attempts").asInt(), "never delivered yet");
            long ts = first.path("timestamp").asLong();
            assertTrue(Math.abs(ts / 1_000_000L - System.currentTimeMillis()) < 60_000, "nanoseconds since the epoch: " + ts);
            assertEquals(List.of("id", "attempts", "timestamp", "body"), iterableToList(first.fieldNames()));

            JsonNode five = peek(n, "/channel/peek?topic=orders&channel=billing&count=5");
            assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), bodies(five), "memory, then disk");
            JsonNode all = peek(n, "/channel/peek?topic=orders&channel=billing&count=100");
            assertEquals(10, all.size());
            assertEquals(all, peek(n, "/channel/peek?topic=orders&channel=billing&count=100"), "peeking twice sees the same");
            assertEquals(10, n.channelStats("orders", "billing").path("depth").asLong(), "depth unchanged");

            try (WireClient c = n.connect()) {
                c.cmd("SUB orders billing");
                assertEquals("OK", c.read().text());
                c.cmd("RDY 1");
                Frame f = c.readSkippingHeartbeats(5000);
                assertEquals(all.path(0).path("id").asText(), f.id());
                assertEquals(1, f.attempts(), "peeking does not count as an attempt");
                c.cmd("REQ " + f.id() + " 0");
                Frame next = c.readSkippingHeartbeats(5000); // m1, while m0 waits again
                assertEquals("m1", next.body());
                c.cmd("RDY 0");
                JsonNode after = peek(n, "/channel/peek?topic=orders&channel=billing&count=100");
                int m0 = bodies(after).indexOf("m0");
                assertEquals(1, after.path(m0).path("attempts").asInt(), "a requeued message shows its attempts");
                c.cmd("FIN " + next.id());
                c.cmd("RDY 1");
                for (int i = 0; i < after.size(); i++) {
                    Frame g = c.readSkippingHeartbeats(5000);
                    assertEquals(after.path(i).path("id").asText(), g.id(), "delivered in the order peeked");
                    assertEquals(after.path(i).path("attempts").asInt() + 1, g.attempts());
                    c.cmd("FIN " + g.id());
                }
            }
        }
    }

    @Test
    void peekingReadsAcrossDiskQueueFilesAndStartsAtTheReadPosition() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> {
            o.memQueueSize = 0;
            o.maxBytesPerFile = 200; // a few records per file
        })) {
            assertEquals(200, n.post("/topic/create?topic=files", "").statusCode());
            assertEquals(200, n.post("/channel/create?topic=files&channel=c", "").statusCode());
            mpub(n, "files", "record-", 30);
            await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("files", "c").path("depth").asLong() == 30);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) expected.add("record-" + i);
            assertEquals(expected, bodies(peek(n, "/channel/peek?topic=files&channel=c&count=30")));
            try (WireClient c = n.connect()) {
                c.cmd("SUB files c");
                assertEquals("OK", c.read().text());
                c.cmd("RDY 1");
                for (int i = 0; i < 12; i++) c.cmd("FIN " + c.readSkippingHeartbeats(5000).id());
                c.cmd("RDY 0");
                await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("files", "c").path("depth").asLong() <= 18);
                List<String> rest = bodies(peek(n, "/channel/peek?topic=files&channel=c&count=100"));
                assertEquals(expected.subList(30 - rest.size(), 30), rest, "what is left, in order");
            }
        }
    }

    @Test
    void topicPeekShowsWhatWaitsAtATopicWithoutChannels() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> o.memQueueSize = 2)) {
            mpub(n, "waiting", "w", 5); // no channel: 2 in the topic's memory, 3 on its disk
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    n.topicStats("waiting").path("depth").asLong() == 5);
            assertEquals(List.of("w0", "w1", "w2", "w3", "w4"), bodies(peek(n, "/topic/peek?topic=waiting&count=10")));
            assertEquals(List.of("w0"), bodies(peek(n, "/topic/peek?topic=waiting")));
            assertEquals(5, n.topicStats("waiting").path("depth").asLong());
        }
    }

    @Test
    void bodiesAreBase64SoBinaryMessagesComeBackExactly() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> { })) {
            byte[] binary = {0, 1, (byte) 0xff, (byte) 0xfe, '\n', 0x7f};
            try (WireClient p = n.connect()) {
                p.cmd("PUB bin", binary);
                assertEquals("OK", p.read().text());
            }
            JsonNode m = peek(n, "/topic/peek?topic=bin").path(0);
            assertArrayEquals(binary, Base64.getDecoder().decode(m.path("body").asText()));
        }
    }

    @Test
    void countIsCheckedAndCappedAndUnknownQueuesAreNotFound() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> { })) {
            mpub(n, "many", "x", 150);
            assertEquals(100, peek(n, "/topic/peek?topic=many&count=500").size(), "at most 100");
            assertError(n, "/topic/peek?topic=many&count=0", 400, "INVALID_COUNT");
            assertError(n, "/topic/peek?topic=many&count=abc", 400, "INVALID_COUNT");
            assertError(n, "/topic/peek?topic=many&count=-3", 400, "INVALID_COUNT");
            assertError(n, "/topic/peek", 400, "MISSING_ARG_TOPIC");
            assertError(n, "/topic/peek?topic=bad!name", 400, "INVALID_TOPIC");
            assertError(n, "/topic/peek?topic=nope", 404, "TOPIC_NOT_FOUND");
            assertError(n, "/channel/peek?topic=many", 400, "MISSING_ARG_CHANNEL");
            assertError(n, "/channel/peek?topic=nope&channel=c", 404, "TOPIC_NOT_FOUND");
            assertError(n, "/channel/peek?topic=many&channel=nope", 404, "CHANNEL_NOT_FOUND");
            assertEquals(List.of("x0"), bodies(peek(n, "/channel/peek?topic=many&channel=" + createChannel(n))),
                    "the topic's first channel gets what waited there");
        }
    }

    private static String createChannel(TestNsqd n) throws Exception {
        assertEquals(200, n.post("/channel/create?topic=many&channel=fresh", "").statusCode());
        return "fresh";
    }

    private static void assertError(TestNsqd n, String query, int status, String message) throws Exception {
        HttpResponse<String> r = n.get(query);
        assertEquals(status, r.statusCode(), query + " -> " + r.body());
        assertEquals("{\"message\":\"" + message + "\"}", r.body());
    }

    @Test
    void offHeapPeekWalksRecordsAcrossChunksAndLeavesTheQueueAsItWas() {
        OffHeapQueue q = new OffHeapQueue(PooledByteBufAllocator.DEFAULT, 64, 128, Long.MAX_VALUE);
        try {
            for (int i = 0; i < 40; i++) {
                Message m = new Message(1000 + i, 5000 + i, ("body-" + i + "-" + "x".repeat(i * 3)).getBytes(StandardCharsets.UTF_8));
                m.attempts = i % 3;
                assertTrue(q.offer(m));
            }
            q.poll(); // the head chunk's reader index is no longer 0
            List<Message> peeked = q.peek(100);
            assertEquals(39, peeked.size());
            assertEquals(39, q.size(), "nothing removed");
            for (int i = 1; i < 40; i++) {
                Message expected = q.poll();
                Message p = peeked.get(i - 1);
                assertEquals(expected.id, p.id);
                assertEquals(expected.timestampNs, p.timestampNs);
                assertEquals(expected.attempts, p.attempts);
                assertArrayEquals(expected.body, p.body);
            }
        } finally {
            q.clear();
        }
    }

    private static List<String> iterableToList(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
