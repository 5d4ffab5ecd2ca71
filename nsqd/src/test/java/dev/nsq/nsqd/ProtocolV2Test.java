package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/** Protocol V2 behaviour over real sockets, beyond what the recorded conformance cases cover. */
class ProtocolV2Test {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    TestNsqd nsqd;
    String topic;

    @BeforeEach
    void start() throws Exception {
        nsqd = new TestNsqd(dir, o -> o.memQueueSize = 100);
        topic = "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stop() throws Exception { nsqd.close(); }

    private WireClient subscriber(String channel, int rdy) throws Exception {
        WireClient c = nsqd.connect();
        c.cmd("SUB " + topic + " " + channel);
        assertEquals("OK", c.read().text());
        if (rdy >= 0) c.cmd("RDY " + rdy);
        return c;
    }

    private WireClient identifiedSubscriber(String identify, String channel, int rdy) throws Exception {
        WireClient c = nsqd.connect();
        c.cmd("IDENTIFY", identify);
        assertEquals("OK", c.read().text());
        c.cmd("SUB " + topic + " " + channel);
        assertEquals("OK", c.read().text());
        c.cmd("RDY " + rdy);
        return c;
    }

    private void pub(String body) throws Exception {
        try (WireClient p = nsqd.connect()) {
            p.cmd("PUB " + topic, body);
            assertEquals("OK", p.read().text());
        }
    }

    private JsonNode channelStats(String channel) throws Exception {
        JsonNode s = JSON.readTree(nsqd.get("/stats?format=json&topic=" + topic + "&channel=" + channel).body());
        return s.path("topics").path(0).path("channels").path(0);
    }

    @Test
    void clientThatMissesTwoHeartbeatsIsDisconnected() throws Exception {
        try (WireClient c = nsqd.connect()) {
            c.cmd("IDENTIFY", "{\"heartbeat_interval\":1000}");
            assertEquals("OK", c.read().text());
            assertEquals("_heartbeat_", c.read(2500).text());
            // send nothing: two intervals without a command end the connection
            assertTrue(c.closedWithin(4000), "connection should be closed after two missed heartbeats");
        }
    }

    @Test
    void clientThatAnswersHeartbeatsStaysConnected() throws Exception {
        try (WireClient c = nsqd.connect()) {
            c.cmd("IDENTIFY", "{\"heartbeat_interval\":1000}");
            assertEquals("OK", c.read().text());
            for (int i = 0; i < 3; i++) {
                assertEquals("_heartbeat_", c.read(2500).text());
                c.cmd("NOP");
            }
            c.cmd("PUB " + topic, "alive");
            assertEquals("OK", c.readSkippingHeartbeats(2500).text());
        }
    }

    @Test
    void inFlightMessagesOfAClientThatGoesAwayAreRedeliveredAtOnce() throws Exception {
        WireClient first = subscriber("ch", 1);
        pub("orphan");
        Frame m = first.read();
        assertEquals("orphan", m.body());
        assertEquals(1, m.attempts());
        try (WireClient second = subscriber("ch", 1)) {
            first.close();
            Frame again = second.read(2000); // far sooner than the 60 s msg timeout
            assertEquals("orphan", again.body());
            assertEquals(2, again.attempts());
            assertEquals(m.id(), again.id());
        }
    }

    @Test
    void timedOutMessageIsRequeuedWithAttemptsIncremented() throws Exception {
        try (WireClient c = identifiedSubscriber("{\"msg_timeout\":1000}", "ch", 1)) {
            pub("slow");
            Frame first = c.read();
            Frame second = c.readSkippingHeartbeats(4000);
            assertEquals(first.id(), second.id());
            assertEquals(2, second.attempts());
            await().atMost(Duration.ofSeconds(5)).until(() -> channelStats("ch").path("timeout_count").asInt() == 1);
        }
    }

    @Test
    void touchKeepsAMessageInFlightPastItsTimeout() throws Exception {
        try (WireClient c = identifiedSubscriber("{\"msg_timeout\":1000}", "ch", 1)) {
            pub("touched");
            Frame m = c.read();
            for (int i = 0; i < 4; i++) {
                try {
                    c.read(500);
                    fail("no redelivery expected while touched");
                } catch (java.net.SocketTimeoutException expected) {
                    c.cmd("TOUCH " + m.id());
                }
            }
            c.cmd("FIN " + m.id());
            assertTrue(c.silentFor(300));
            assertEquals(0, channelStats("ch").path("timeout_count").asInt());
        }
    }

    @Test
    void rdyCapsInFlightPerClientAcrossManyClients() throws Exception {
        List<WireClient> subs = new ArrayList<>();
        for (int i = 0; i < 3; i++) subs.add(subscriber("ch", 1));
        try (WireClient p = nsqd.connect()) {
            p.cmd("MPUB " + topic, WireClient.mpubBody("a", "b", "c", "d", "e", "f"));
            assertEquals("OK", p.read().text());
        }
        Set<String> got = new HashSet<>();
        for (WireClient s : subs) {
            Frame f = s.read();
            got.add(f.body());
            assertTrue(s.silentFor(200), "RDY 1 allows one message at a time");
            s.cmd("FIN " + f.id());
        }
        for (WireClient s : subs) {
            got.add(s.read().body());
            s.close();
        }
        assertEquals(6, got.size());
    }

    @Test
    void rdyZeroStopsDeliveryAndRaisingItResumes() throws Exception {
        try (WireClient c = subscriber("ch", 0)) {
            pub("held");
            assertTrue(c.silentFor(300));
            c.cmd("RDY 1");
            assertEquals("held", c.read().body());
        }
    }

    @Test
    void clsStopsDeliveryButInFlightCanStillBeFinished() throws Exception {
        try (WireClient c = subscriber("ch", 1)) {
            pub("one");
            pub("two");
            Frame m = c.read();
            c.cmd("CLS");
            assertEquals("CLOSE_WAIT", c.read().text());
            c.cmd("RDY 5"); // ignored while closing
            c.cmd("FIN " + m.id());
            assertTrue(c.silentFor(300));
            await().atMost(Duration.ofSeconds(2)).until(() -> channelStats("ch").path("in_flight_count").asInt() == 0
                    && channelStats("ch").path("depth").asInt() == 1);
        }
    }

    @Test
    void reqWithDelayDefersAndRequeueTimeoutIsClampedToMax() throws Exception {
        try (WireClient c = subscriber("ch", 1)) {
            pub("later");
            Frame m = c.read();
            c.cmd("REQ " + m.id() + " 999999999"); // over --max-req-timeout: clamped, not an error
            assertTrue(c.silentFor(300));
            assertEquals(1, channelStats("ch").path("deferred_count").asInt());
            assertEquals(1, channelStats("ch").path("requeue_count").asInt());
        }
    }

    @Test
    void ephemeralChannelAndTopicDisappearWithTheirLastClient() throws Exception {
        String eph = topic + "#ephemeral";
        WireClient c = nsqd.connect();
        c.cmd("SUB " + eph + " ch#ephemeral");
        assertEquals("OK", c.read().text());
        assertTrue(nsqd.get("/stats?format=json").body().contains(eph));
        c.close();
        await().atMost(Duration.ofSeconds(3)).until(() -> !nsqd.get("/stats?format=json").body().contains(topic));
    }

    @Test
    void ephemeralChannelGoesButDurableTopicStays() throws Exception {
        WireClient c = subscriber("ch#ephemeral", 0);
        c.close();
        await().atMost(Duration.ofSeconds(3)).until(() -> {
            JsonNode t = JSON.readTree(nsqd.get("/stats?format=json&topic=" + topic).body()).path("topics").path(0);
            return t.path("topic_name").asText().equals(topic) && t.path("channels").size() == 0;
        });
    }

    @Test
    void topicWithoutChannelsKeepsMessagesUntilTheFirstChannel() throws Exception {
        pub("kept1");
        pub("kept2");
        try (WireClient c = subscriber("late", 2)) {
            assertEquals("kept1", c.read().body());
            assertEquals("kept2", c.read().body());
        }
    }

    @Test
    void messagesBeyondTheMemoryQueueGoToDiskAndAllArrive() throws Exception {
        try (WireClient p = nsqd.connect()) {
            for (int i = 0; i < 250; i++) {
                p.cmd("PUB " + topic, "m" + i);
                assertEquals("OK", p.read().text());
            }
        }
        JsonNode t = JSON.readTree(nsqd.get("/stats?format=json&topic=" + topic).body()).path("topics").path(0);
        assertEquals(250, t.path("depth").asInt());
        assertEquals(150, t.path("backend_depth").asInt(), "--mem-queue-size=100: the rest waits on disk");
        try (WireClient c = subscriber("ch", 200)) {
            Set<String> got = new HashSet<>();
            for (int i = 0; i < 250; i++) {
                Frame f = c.read();
                got.add(f.body());
                c.cmd("FIN " + f.id());
            }
            assertEquals(250, got.size());
        }
    }

    @Test
    void publishingWhileSubscribedIsAllowed() throws Exception {
        try (WireClient c = subscriber("ch", 1)) {
            c.cmd("PUB " + topic, "self");
            Frame a = c.read(), b = c.read();
            Set<String> kinds = Set.of(a.isMessage() ? a.body() : a.text(), b.isMessage() ? b.body() : b.text());
            assertEquals(Set.of("OK", "self"), kinds);
        }
    }

    @Test
    void messageFrameCarriesNanosecondTimestampAndHexId() throws Exception {
        long before = System.currentTimeMillis() * 1_000_000L;
        try (WireClient c = subscriber("ch", 1)) {
            pub("ts");
            Frame m = c.read();
            assertTrue(m.timestamp() >= before - 1_000_000_000L && m.timestamp() <= System.currentTimeMillis() * 1_000_000L + 1_000_000_000L);
            assertTrue(m.id().matches("[0-9a-f]{16}"), m.id());
        }
    }

    @Test
    void messageTimestampsHaveNanosecondPrecisionAsGosUnixNano() throws Exception {
        try (WireClient c = subscriber("ch", 10)) {
            int subMillisecond = 0;
            for (int i = 0; i < 10; i++) {
                pub("ns" + i);
                if (c.read().timestamp() % 1_000_000L != 0) subMillisecond++;
            }
            // a millisecond clock times 10^6 gives whole milliseconds every time
            assertTrue(subMillisecond > 0, "every timestamp was a whole millisecond");
        }
    }

    @Test
    void sampleRateDropsSomeMessagesForThatClient() throws Exception {
        try (WireClient c = identifiedSubscriber("{\"sample_rate\":10}", "ch", 100)) {
            try (WireClient p = nsqd.connect()) {
                String[] bodies = new String[100];
                for (int i = 0; i < 100; i++) bodies[i] = "s" + i;
                p.cmd("MPUB " + topic, WireClient.mpubBody(bodies));
                assertEquals("OK", p.read().text());
            }
            int got = 0;
            try {
                while (true) {
                    c.read(500);
                    got++;
                }
            } catch (java.net.SocketTimeoutException done) {
                // drained
            }
            assertTrue(got > 0 && got < 50, "about 10% expected, got " + got);
        }
    }

    @Test
    void maxChannelConsumersRefusesTheNextSubscriber() throws Exception {
        try (TestNsqd limited = new TestNsqd(dir.resolve("limited"), o -> o.maxChannelConsumers = 1);
             WireClient first = limited.connect(); WireClient second = limited.connect()) {
            first.cmd("SUB " + topic + " ch");
            assertEquals("OK", first.read().text());
            second.cmd("SUB " + topic + " ch");
            Frame f = second.read();
            assertEquals(1, f.type());
            assertEquals("E_SUB_FAILED SUB failed consumers for " + topic + ":ch exceeds limit of 1", f.text());
            assertTrue(second.closedWithin(5000));
            // another channel of the same topic has its own limit
            try (WireClient other = limited.connect()) {
                other.cmd("SUB " + topic + " other");
                assertEquals("OK", other.read().text());
            }
        }
    }

    @Test
    void anUnexpectedExceptionInAnAsynchronousStepAnswersAndCloses() throws Exception {
        try (WireClient c = nsqd.connect()) {
            c.cmd("NOP");
            await().atMost(Duration.ofSeconds(10)).until(() -> nsqd.nsqd.clients().size() == 1);
            ClientV2 client = nsqd.nsqd.clients().iterator().next();
            // the continuation of a step (an auth answer, a disk write) that fails with no NsqError
            client.protocol.continueOnLoop(() -> { throw new IllegalStateException("boom"); });
            Frame f = c.read();
            assertEquals(1, f.type());
            assertEquals("E_INTERNAL internal error", f.text());
            assertTrue(c.closedWithin(5000), "closed, not left with a paused reader");
        }
    }
}
