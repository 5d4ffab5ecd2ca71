package dev.nsq.nsqd;

import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * --persist-deferred: deferred messages (DPUB, /pub?defer, REQ with a delay) keep their due time
 * across a stop and restart of nsqd (the same shutdown as SIGTERM, in this JVM), are never
 * delivered early, are never lost, and beyond a bound wait in the channel's journal on disk instead
 * of the heap; without the flag nsqd does as NSQ. The restarts as real processes (SIGTERM, kill -9)
 * are in {@link DeferredRestartTest}.
 */
class DeferredPersistenceTest {
    /** --persist-deferred in durable mode: every deferred message in the journal. */
    private static final java.util.function.Consumer<NsqdOptions> DURABLE = o -> {
        o.persistDeferred = true;
        o.memQueueSize = 0;
    };
    @TempDir Path dir;

    /** Sends DPUB and waits for its OK; returns the wall-clock time (ms) before it was sent. */
    private static long dpub(WireClient p, String topic, long deferMs, String body) throws Exception {
        long sent = System.currentTimeMillis();
        p.cmd("DPUB " + topic + " " + deferMs, body);
        assertEquals("OK", p.readSkippingHeartbeats(10_000).text());
        return sent;
    }

    private static void create(TestNsqd n, String topic, String channel) throws Exception {
        assertEquals(200, n.post("/topic/create?topic=" + topic, "").statusCode());
        assertEquals(200, n.post("/channel/create?topic=" + topic + "&channel=" + channel, "").statusCode());
    }

    /**
     * Consumes {@code count} messages, FINing each, and checks each arrived no earlier than its
     * due time; returns the bodies.
     */
    private static Set<String> consumeNotEarly(TestNsqd n, String topic, String channel, Map<String, Long> dueMs, int count)
            throws Exception {
        Set<String> got = new HashSet<>();
        try (WireClient c = n.subscribe(topic, channel, 500)) {
            while (got.size() < count) {
                Frame f = c.readSkippingHeartbeats(20_000);
                long now = System.currentTimeMillis();
                Long due = dueMs.get(f.body());
                assertNotNull(due, "unexpected " + f.body());
                assertTrue(now >= due, f.body() + " delivered " + (due - now) + " ms before its time");
                assertTrue(got.add(f.body()), f.body() + " delivered twice");
                c.cmd("FIN " + f.id());
            }
            assertNull(c.readSkippingHeartbeatsOrNull(500), "nothing more");
        }
        return got;
    }

    @Test
    void dpubAndDeferredReqKeepTheirDueTimeAcrossAStopAndRestart() throws Exception {
        Map<String, Long> due = new HashMap<>();
        try (TestNsqd n = new TestNsqd(dir, o -> o.persistDeferred = true)) {
            create(n, "later", "c");
            try (WireClient p = n.connect()) {
                due.put("dpub", dpub(p, "later", 4_000, "dpub") + 4_000);
                p.cmd("PUB later", "req");
                assertEquals("OK", p.read().text());
            }
            try (WireClient c = n.subscribe("later", "c", 1)) {
                Frame f = c.readSkippingHeartbeats(5000);
                assertEquals("req", f.body());
                due.put("req", System.currentTimeMillis() + 4_000);
                c.cmd("REQ " + f.id() + " 4000");
                await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("later", "c").path("deferred_count").asLong() == 2);
            }
        }
        try (TestNsqd n = new TestNsqd(dir, o -> o.persistDeferred = true)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("later", "c").path("deferred_count").asLong() == 2);
            assertEquals(0, n.channelStats("later", "c").path("depth").asLong(), "still deferred, not queued");
            assertEquals(Set.of("dpub", "req"), consumeNotEarly(n, "later", "c", due, 2));
        }
    }

    @Test
    void manyDeferredMessagesAcrossARestartAreNeitherEarlyNorLostNorDuplicated() throws Exception {
        Map<String, Long> due = new HashMap<>();
        int total = 400;
        try (TestNsqd n = new TestNsqd(dir, o -> o.persistDeferred = true)) {
            create(n, "spread", "c");
            try (WireClient p = n.connect()) {
                for (int i = 0; i < total; i++) {
                    long defer = 200 + (i * 37L) % 3_000; // due between 0.2 s and 3.2 s from now
                    due.put("m" + i, dpub(p, "spread", defer, "m" + i) + defer);
                }
            }
            // some are released and delivered before the stop, some not yet due
            try (WireClient c = n.subscribe("spread", "c", 500)) {
                Set<String> early = new HashSet<>();
                long until = System.currentTimeMillis() + 1_000;
                while (System.currentTimeMillis() < until) {
                    Frame f = c.readSkippingHeartbeatsOrNull(200);
                    if (f == null) continue;
                    assertTrue(System.currentTimeMillis() >= due.get(f.body()), f.body() + " early");
                    early.add(f.body());
                    c.cmd("FIN " + f.id());
                }
                c.cmd("NOP");
                assertFalse(early.isEmpty());
                for (String b : early) due.remove(b);
            }
        }
        try (TestNsqd n = new TestNsqd(dir, o -> o.persistDeferred = true)) {
            assertEquals(due.keySet(), consumeNotEarly(n, "spread", "c", due, due.size()));
        }
    }

    @Test
    void deferredMessagesBeyondTheMemoryBoundWaitInTheJournalOnDisk() throws Exception {
        int total = Deferred.MEMORY_MESSAGES + 500;
        try (TestNsqd n = new TestNsqd(dir, o -> o.persistDeferred = true)) {
            create(n, "bulk", "c");
            long sent = System.currentTimeMillis();
            try (WireClient p = n.connect()) {
                for (int i = 0; i < total; i++) p.cmd("DPUB bulk 3000", "d" + i); // pipelined
                for (int i = 0; i < total; i++) assertEquals("OK", p.readSkippingHeartbeats(10_000).text());
            }
            assertEquals(total, n.channelStats("bulk", "c").path("deferred_count").asLong());
            await("the journal's data file").atMost(Duration.ofSeconds(5))
                    .until(() -> Files.exists(dir.resolve("bulk:c#deferred.diskqueue.000000.dat")));
            Set<String> got = new HashSet<>();
            try (WireClient c = n.subscribe("bulk", "c", 2500)) {
                while (got.size() < total) {
                    Frame f = c.readSkippingHeartbeats(20_000);
                    assertTrue(System.currentTimeMillis() >= sent + 3_000, "not before its time");
                    got.add(f.body());
                    c.cmd("FIN " + f.id());
                }
                assertNull(c.readSkippingHeartbeatsOrNull(500));
            }
            assertEquals(total, got.size());
            assertEquals(0, n.channelStats("bulk", "c").path("deferred_count").asLong());
        }
    }

    @Test
    void deferredMessagesWaitingAtATopicWithoutChannelsKeepTheirTimeToo() throws Exception {
        for (long memQueueSize : new long[]{10_000, 0}) { // default, and durable (NSQ writes them to disk undeferred)
            String topic = "nochan" + memQueueSize;
            Map<String, Long> due = new HashMap<>();
            try (TestNsqd n = new TestNsqd(dir, o -> {
                o.persistDeferred = true;
                o.memQueueSize = memQueueSize;
            })) {
                try (WireClient p = n.connect()) {
                    due.put("soon", dpub(p, topic, 300, "soon") + 300);
                    due.put("later", dpub(p, topic, 4_000, "later") + 4_000);
                }
                assertEquals(2, n.topicStats(topic).path("depth").asLong(), "both wait at the topic");
            }
            try (TestNsqd n = new TestNsqd(dir, o -> {
                o.persistDeferred = true;
                o.memQueueSize = memQueueSize;
            })) {
                await().atMost(Duration.ofSeconds(5)).until(() -> n.topicStats(topic).path("depth").asLong() == 2);
                assertEquals(Set.of("soon", "later"), consumeNotEarly(n, topic, "c", due, 2));
            }
        }
    }

    @Test
    void emptyingAChannelDropsItsJournaledDeferredMessagesForGood() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, DURABLE)) {
            create(n, "gone", "c");
            try (WireClient p = n.connect()) {
                for (int i = 0; i < 5; i++) dpub(p, "gone", 60_000, "x" + i);
            }
            assertEquals(5, n.channelStats("gone", "c").path("deferred_count").asLong());
            assertEquals(200, n.post("/channel/empty?topic=gone&channel=c", "").statusCode());
            assertEquals(0, n.channelStats("gone", "c").path("deferred_count").asLong());
        }
        try (TestNsqd n = new TestNsqd(dir, DURABLE)) {
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> n.channelStats("gone", "c").path("deferred_count").asLong() == 0);
        }
    }

    @Test
    void anEphemeralChannelKeepsItsDeferredMessagesInMemoryOnly() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> o.persistDeferred = true)) {
            try (WireClient c = n.subscribe("eph", "tmp#ephemeral", 1); WireClient p = n.connect()) {
                long sent = dpub(p, "eph", 500, "soon");
                Frame f = c.readSkippingHeartbeats(5000);
                assertTrue(System.currentTimeMillis() >= sent + 500);
                assertEquals("soon", f.body());
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("#ephemeral")), "nothing on disk");
            }
        }
    }

    @Test
    void withoutTheFlagDeferredMessagesLoseTheirDeferAtARestartAsInNsq() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> { })) {
            assertEquals("false", n.get("/config/persist_deferred").body());
            create(n, "plain", "c");
            try (WireClient p = n.connect()) {
                dpub(p, "plain", 3_600_000, "in an hour");
            }
            assertEquals(1, n.channelStats("plain", "c").path("deferred_count").asLong());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("#deferred")), "no journal");
        }
        try (TestNsqd n = new TestNsqd(dir, o -> { })) {
            try (WireClient c = n.subscribe("plain", "c", 1)) {
                assertEquals("in an hour", c.readSkippingHeartbeats(5000).body(), "NSQ writes it to disk undeferred");
            }
        }
        assertTrue(new NsqdOptions().flagSet().usage().contains("-persist-deferred"));
    }

    @Test
    void aJournalLeftByARunWithTheFlagIsStillDeliveredAtItsTimeWithoutIt() throws Exception {
        Map<String, Long> due = new HashMap<>();
        try (TestNsqd n = new TestNsqd(dir, o -> o.persistDeferred = true)) {
            create(n, "switch", "c");
            try (WireClient p = n.connect()) {
                due.put("kept", dpub(p, "switch", 2_000, "kept") + 2_000);
            }
        }
        try (TestNsqd n = new TestNsqd(dir, o -> { })) {
            await().atMost(Duration.ofSeconds(5)).until(() -> n.channelStats("switch", "c").path("deferred_count").asLong() == 1);
            assertEquals(Set.of("kept"), consumeNotEarly(n, "switch", "c", due, 1));
            try (WireClient p = n.connect()) {
                dpub(p, "switch", 60_000, "new one");
            }
        }
        try (TestNsqd n = new TestNsqd(dir, o -> { })) {
            try (WireClient c = n.subscribe("switch", "c", 1)) {
                assertEquals("new one", c.readSkippingHeartbeats(5000).body(), "without the flag nothing new goes to the journal");
            }
        }
    }
}
