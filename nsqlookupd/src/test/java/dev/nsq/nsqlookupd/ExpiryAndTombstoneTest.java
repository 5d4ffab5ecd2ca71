package dev.nsq.nsqlookupd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.nsqlookupd.support.LookupWire;
import dev.nsq.nsqlookupd.support.TestLookupd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.nsq.nsqlookupd.support.TestLookupd.texts;
import static dev.nsq.nsqlookupd.support.TestLookupd.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Inactivity and tombstones with short timings: both only filter what {@code /lookup} and
 * {@code /nodes} show; neither deletes a registration.
 */
class ExpiryAndTombstoneTest {
    /** Short, yet long enough that a check right after a PING or a tombstone lands inside it on a busy machine. */
    private static final long INACTIVE_MS = 800;
    private static final long TOMBSTONE_MS = 1000;

    TestLookupd lookupd;

    @AfterEach
    void stop() throws Exception { if (lookupd != null) lookupd.close(); }

    @Test
    void producerThatStopsPingingDropsOutOfLookupAndNodesUntilItsNextPing() throws Exception {
        lookupd = new TestLookupd(o -> o.inactiveProducerTimeoutMs = INACTIVE_MS);
        String topic = unique("t");
        String quiet = unique("quiet");
        String chatty = unique("chatty");
        long start = System.nanoTime(); // only PING refreshes last_update; IDENTIFY sets it, REGISTER does not
        LookupWire q = lookupd.producer(quiet, 4150, 4151);
        LookupWire c = lookupd.producer(chatty, 4250, 4251);
        assertEquals("OK", q.call("REGISTER " + topic + " ch"));
        assertEquals("OK", c.call("REGISTER " + topic + " ch"));

        // chatty keeps pinging; quiet says nothing
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertEquals("OK", c.call("PING"));
            return lookupd.lookupProducers(topic).equals(List.of(chatty));
        });
        assertTrue(System.nanoTime() - start >= INACTIVE_MS * 1_000_000L, "not before the timeout");
        assertEquals("OK", c.call("PING"));
        assertNull(lookupd.node(quiet));
        assertNotNull(lookupd.node(chatty));
        JsonNode debug = lookupd.getJson("/debug");
        assertEquals(2, debug.path("topic:" + topic + ":").size(), "inactivity removes nothing");
        assertEquals(2, debug.path("channel:" + topic + ":ch").size());
        assertEquals(List.of("ch"), texts(lookupd.getJson("/lookup?topic=" + topic).path("channels")));

        assertEquals("OK", q.call("PING"));
        assertEquals("OK", c.call("PING"));
        assertEquals(List.of(quiet, chatty), lookupd.lookupProducers(topic));
        assertNotNull(lookupd.node(quiet));
    }

    @Test
    void inactiveProducerStaysListedInDebugAndKeepsItsTopics() throws Exception {
        lookupd = new TestLookupd(o -> o.inactiveProducerTimeoutMs = INACTIVE_MS);
        String topic = unique("t");
        String n = unique("n");
        LookupWire p = lookupd.producer(n, 4150, 4151);
        assertEquals("OK", p.call("REGISTER " + topic));
        await().atMost(Duration.ofSeconds(10)).until(() -> lookupd.node(n) == null);
        assertEquals(200, lookupd.get("/lookup?topic=" + topic).statusCode());
        assertEquals(List.of(), lookupd.lookupProducers(topic));
        assertTrue(texts(lookupd.getJson("/topics").path("topics")).contains(topic));

        assertEquals("OK", p.call("PING"));
        assertEquals(List.of(topic), texts(lookupd.node(n).path("topics")));
    }

    @Test
    void tombstoneHidesTheProducerFromLookupOfThatTopicOnlyUntilItsLifetimePasses() throws Exception {
        lookupd = new TestLookupd(o -> o.tombstoneLifetimeMs = TOMBSTONE_MS);
        String topic = unique("t");
        String other = unique("t");
        String a = unique("a");
        String b = unique("b");
        LookupWire ca = lookupd.producer(a, 4150, 4151);
        LookupWire cb = lookupd.producer(b, 4250, 4251);
        assertEquals("OK", ca.call("REGISTER " + topic + " ch"));
        assertEquals("OK", ca.call("REGISTER " + other));
        assertEquals("OK", cb.call("REGISTER " + topic));

        long tombstonedAt = System.nanoTime();
        assertEquals(200, lookupd.post("/topic/tombstone?topic=" + topic + "&node=" + a + ":4151").statusCode());
        assertEquals(List.of(b), lookupd.lookupProducers(topic));
        assertEquals(List.of(a), lookupd.lookupProducers(other), "only for the topic named");
        JsonNode node = lookupd.node(a);
        assertNotNull(node, "/nodes does not filter on tombstones");
        assertEquals(List.of(topic, other), texts(node.path("topics")));
        assertEquals("[true,false]", node.path("tombstones").toString());
        assertEquals("[false]", lookupd.node(b).path("tombstones").toString());
        assertEquals(List.of("ch"), texts(lookupd.getJson("/lookup?topic=" + topic).path("channels")));

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> lookupd.lookupProducers(topic).contains(a));
        assertTrue(System.nanoTime() - tombstonedAt >= TOMBSTONE_MS * 1_000_000L, "not before the lifetime");
        assertEquals("[false,false]", lookupd.node(a).path("tombstones").toString());
        assertTrue(lookupd.getJson("/debug").path("topic:" + topic + ":").toString().contains("\"tombstoned\":true"),
                "/debug shows the flag as set, as NSQ's raw field");
    }

    @Test
    void tombstonedProducerThatUnregistersIsGoneForGood() throws Exception {
        lookupd = new TestLookupd(o -> o.tombstoneLifetimeMs = TOMBSTONE_MS);
        String topic = unique("t");
        String n = unique("n");
        LookupWire p = lookupd.producer(n, 4150, 4151);
        assertEquals("OK", p.call("REGISTER " + topic));
        assertEquals(200, lookupd.post("/topic/tombstone?topic=" + topic + "&node=" + n + ":4151").statusCode());
        assertEquals("OK", p.call("UNREGISTER " + topic));
        assertEquals("[]", lookupd.node(n).path("tombstones").toString());

        assertEquals("OK", p.call("REGISTER " + topic));
        assertEquals(List.of(n), lookupd.lookupProducers(topic), "registering again starts without the tombstone");
    }
}
