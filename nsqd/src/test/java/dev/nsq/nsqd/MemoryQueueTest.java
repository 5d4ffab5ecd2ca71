package dev.nsq.nsqd;

import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/** Messages waiting in the (off-heap) memory queues of channels and topics, and that queue memory is given back. */
class MemoryQueueTest {
    @TempDir Path dir;

    private static void mpub(TestNsqd nsqd, String topic, String prefix, int from, int to) throws Exception {
        try (WireClient p = nsqd.connect()) {
            for (int start = from; start < to; start += 100) {
                String[] bodies = new String[Math.min(100, to - start)];
                for (int i = 0; i < bodies.length; i++) bodies[i] = prefix + (start + i);
                p.cmd("MPUB " + topic, WireClient.mpubBody(bodies));
                assertEquals("OK", p.read().text());
            }
        }
    }

    // ---- a channel's backlog, off the heap --------------------------------------------------

    /** More than stay on the heap, so the backlog behind them waits off-heap. */
    private static final int BACKLOG = OffHeapQueue.FRONT_MESSAGES + 1000;

    /** An nsqd whose topic "offheap" has channel "c" with {@link #BACKLOG} messages m0, m1, ... queued. */
    private TestNsqd nsqdWithBacklog() throws Exception {
        TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 100_000);
        assertEquals(200, nsqd.post("/topic/create?topic=offheap", "").statusCode());
        assertEquals(200, nsqd.post("/channel/create?topic=offheap&channel=c", "").statusCode());
        mpub(nsqd, "offheap", "m", 0, BACKLOG);
        return nsqd;
    }

    private static WireClient subscriber(TestNsqd nsqd, String topic, String channel, int rdy) throws Exception {
        WireClient c = nsqd.connect();
        c.cmd("SUB " + topic + " " + channel);
        assertEquals("OK", c.read().text());
        c.cmd("RDY " + rdy);
        return c;
    }

    /** Receives the whole backlog, FINishing every message but the last, which stays in flight. */
    private static List<Frame> receiveBacklog(WireClient c) throws Exception {
        List<Frame> frames = new ArrayList<>(BACKLOG);
        for (int i = 0; i < BACKLOG; i++) {
            Frame f = c.readSkippingHeartbeats(5000);
            frames.add(f);
            if (i < BACKLOG - 1) c.cmd("FIN " + f.id());
        }
        return frames;
    }

    @Test
    void aTopicWithAChannelPassesMessagesOnAtOnce() throws Exception {
        try (TestNsqd nsqd = nsqdWithBacklog()) {
            assertEquals(0, nsqd.nsqd.getTopic("offheap").memoryQueueBytes(), "the topic passes messages on at once");
        }
    }

    @Test
    void aChannelsBacklogWaitsOffHeap() throws Exception {
        try (TestNsqd nsqd = nsqdWithBacklog()) {
            Channel ch = nsqd.nsqd.getTopic("offheap").getChannel("c");
            assertEquals(BACKLOG, ch.memoryDepth());
            assertTrue(ch.memoryQueueBytes() >= 1000 * (OffHeapQueue.HEADER_BYTES + 4), "queued off-heap: " + ch.memoryQueueBytes());
        }
    }

    @Test
    void aBacklogIsDeliveredInPublishOrder() throws Exception {
        try (TestNsqd nsqd = nsqdWithBacklog(); WireClient c = subscriber(nsqd, "offheap", "c", 2500)) {
            List<Frame> frames = receiveBacklog(c);
            for (int i = 0; i < BACKLOG; i++) assertEquals("m" + i, frames.get(i).body(), "publish order");
        }
    }

    @Test
    void aBackloggedMessageKeepsItsOwnIdFirstAttemptAndNanosecondTimestamp() throws Exception {
        try (TestNsqd nsqd = nsqdWithBacklog(); WireClient c = subscriber(nsqd, "offheap", "c", 2500)) {
            Set<String> ids = new HashSet<>();
            for (Frame f : receiveBacklog(c)) {
                assertEquals(1, f.attempts());
                assertTrue(Math.abs(f.timestamp() / 1_000_000L - System.currentTimeMillis()) < 60_000, "timestamp in ns");
                ids.add(f.id());
            }
            assertEquals(BACKLOG, ids.size());
        }
    }

    @Test
    void aDrainedQueueHoldsNoMemory() throws Exception {
        try (TestNsqd nsqd = nsqdWithBacklog(); WireClient c = subscriber(nsqd, "offheap", "c", 2500)) {
            receiveBacklog(c);
            assertEquals(0, nsqd.nsqd.getTopic("offheap").getChannel("c").memoryQueueBytes(), "an empty queue holds no memory");
        }
    }

    @Test
    void aRequeuedMessageComesBackWithItsIdBodyAndNextAttempt() throws Exception {
        try (TestNsqd nsqd = nsqdWithBacklog(); WireClient c = subscriber(nsqd, "offheap", "c", 2500)) {
            String lastId = receiveBacklog(c).get(BACKLOG - 1).id();
            c.cmd("REQ " + lastId + " 0");
            Frame again = c.readSkippingHeartbeats(5000);
            assertEquals(lastId, again.id());
            assertEquals("m" + (BACKLOG - 1), again.body());
            assertEquals(2, again.attempts());
        }
    }

    @Test
    void finishingTheWholeBacklogLeavesTheChannelEmpty() throws Exception {
        try (TestNsqd nsqd = nsqdWithBacklog(); WireClient c = subscriber(nsqd, "offheap", "c", 2500)) {
            Channel ch = nsqd.nsqd.getTopic("offheap").getChannel("c");
            c.cmd("FIN " + receiveBacklog(c).get(BACKLOG - 1).id());
            await().atMost(Duration.ofSeconds(5)).until(() -> ch.inFlightCount() == 0);
            assertEquals(0, ch.depth());
        }
    }

    // ---- whose memory a message is held in, and when it is given back --------------------------

    /** More than stay on the heap. */
    private static final int HELD = OffHeapQueue.FRONT_MESSAGES + 500;

    /** An nsqd with topic "held" and the given channels, all created before anything is published. */
    private TestNsqd nsqdWithTopic(String... channels) throws Exception {
        TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 100_000);
        assertEquals(200, nsqd.post("/topic/create?topic=held", "").statusCode());
        for (String c : channels) assertEquals(200, nsqd.post("/channel/create?topic=held&channel=" + c, "").statusCode());
        return nsqd;
    }

    @Test
    void aTopicWithoutChannelsKeepsWhatIsPublished() throws Exception {
        try (TestNsqd nsqd = nsqdWithTopic()) {
            mpub(nsqd, "held", "h", 0, HELD);
            Topic t = nsqd.nsqd.getTopic("held");
            assertEquals(HELD, t.memoryDepth(), "no channel yet: the topic keeps them");
            assertTrue(t.memoryQueueBytes() > 0);
        }
    }

    @Test
    void theFirstChannelTakesTheTopicsBacklogAndTheTopicGivesItsMemoryBack() throws Exception {
        try (TestNsqd nsqd = nsqdWithTopic()) {
            mpub(nsqd, "held", "h", 0, HELD);
            Topic t = nsqd.nsqd.getTopic("held");
            assertEquals(200, nsqd.post("/channel/create?topic=held&channel=c1", "").statusCode());
            Channel c1 = t.getChannel("c1");
            await().atMost(Duration.ofSeconds(5)).until(() -> c1.memoryDepth() == HELD);
            assertTrue(c1.memoryQueueBytes() > 0);
            assertEquals(0, t.memoryDepth());
            assertEquals(0, t.memoryQueueBytes());
        }
    }

    @Test
    void eachChannelGetsItsOwnCopyOfWhatIsPublishedAfterItWasCreated() throws Exception {
        try (TestNsqd nsqd = nsqdWithTopic("c1")) {
            mpub(nsqd, "held", "h", 0, HELD);
            assertEquals(200, nsqd.post("/channel/create?topic=held&channel=c2", "").statusCode());
            mpub(nsqd, "held", "n", 0, 50);
            Topic t = nsqd.nsqd.getTopic("held");
            assertEquals(HELD + 50, t.getChannel("c1").memoryDepth());
            assertEquals(50, t.getChannel("c2").memoryDepth());
        }
    }

    @Test
    void emptyingAChannelGivesItsMemoryBackAndLeavesTheOtherChannelsCopies() throws Exception {
        try (TestNsqd nsqd = nsqdWithTopic("c1", "c2")) {
            mpub(nsqd, "held", "h", 0, HELD);
            Topic t = nsqd.nsqd.getTopic("held");
            Channel c1 = t.getChannel("c1");
            assertTrue(c1.memoryQueueBytes() > 0);
            assertEquals(200, nsqd.post("/channel/empty?topic=held&channel=c1", "").statusCode());
            assertEquals(0, c1.memoryDepth());
            assertEquals(0, c1.memoryQueueBytes());
            assertEquals(HELD, t.getChannel("c2").memoryDepth(), "emptying one channel leaves the other's copies");
            try (WireClient c = subscriber(nsqd, "held", "c2", 1)) {
                assertEquals("h0", c.readSkippingHeartbeats(5000).body());
            }
        }
    }

    @Test
    void deletingAChannelGivesItsMemoryBack() throws Exception {
        try (TestNsqd nsqd = nsqdWithTopic("c2")) {
            mpub(nsqd, "held", "h", 0, HELD);
            Channel c2 = nsqd.nsqd.getTopic("held").getChannel("c2");
            assertTrue(c2.memoryQueueBytes() > 0);
            assertEquals(200, nsqd.post("/channel/delete?topic=held&channel=c2", "").statusCode());
            assertEquals(0, c2.memoryQueueBytes());
        }
    }

    @Test
    void aPausedTopicKeepsWhatIsPublished() throws Exception {
        try (TestNsqd nsqd = nsqdWithTopic("c1")) {
            assertEquals(200, nsqd.post("/topic/pause?topic=held", "").statusCode());
            mpub(nsqd, "held", "p", 0, 20);
            assertEquals(20, nsqd.nsqd.getTopic("held").memoryDepth(), "a paused topic keeps them");
            assertEquals(0, nsqd.nsqd.getTopic("held").getChannel("c1").memoryDepth());
        }
    }

    @Test
    void deletingATopicGivesItsMemoryAndItsChannelsMemoryBack() throws Exception {
        try (TestNsqd nsqd = nsqdWithTopic("c1")) {
            mpub(nsqd, "held", "h", 0, HELD); // held by the channel
            assertEquals(200, nsqd.post("/topic/pause?topic=held", "").statusCode());
            mpub(nsqd, "held", "p", 0, HELD); // held by the paused topic
            Topic t = nsqd.nsqd.getTopic("held");
            Channel c1 = t.getChannel("c1");
            assertTrue(t.memoryQueueBytes() > 0 && c1.memoryQueueBytes() > 0);
            assertEquals(200, nsqd.post("/topic/delete?topic=held", "").statusCode());
            assertEquals(0, t.memoryQueueBytes());
            assertEquals(0, c1.memoryQueueBytes());
        }
    }

    @Test
    void shutdownWritesWhatWaitsInMemoryToDiskAndRestartDeliversItInOrder() throws Exception {
        int n = OffHeapQueue.FRONT_MESSAGES + 5000; // more than one shutdown write batch off-heap
        Channel ch;
        Topic lonely;
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 100_000)) {
            assertEquals(200, nsqd.post("/topic/create?topic=flush", "").statusCode());
            assertEquals(200, nsqd.post("/channel/create?topic=flush&channel=c", "").statusCode());
            assertEquals(200, nsqd.post("/topic/create?topic=lonely", "").statusCode());
            mpub(nsqd, "flush", "f", 0, n);
            mpub(nsqd, "lonely", "l", 0, 10);
            ch = nsqd.nsqd.getTopic("flush").getChannel("c");
            lonely = nsqd.nsqd.getTopic("lonely");
            assertEquals(n, ch.memoryDepth());
            assertTrue(ch.memoryQueueBytes() > 0);
            assertEquals(10, lonely.memoryDepth());
        }
        assertEquals(0, ch.memoryQueueBytes(), "written to disk and released");
        assertEquals(0, lonely.memoryQueueBytes());
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 100_000)) {
            Channel c = nsqd.nsqd.getTopic("flush").getChannel("c");
            await().atMost(Duration.ofSeconds(10)).until(() -> c.depth() == n);
            try (WireClient sub = nsqd.connect()) {
                sub.cmd("SUB flush c");
                assertEquals("OK", sub.read().text());
                sub.cmd("RDY 1000");
                for (int i = 0; i < n; i++) {
                    Frame f = sub.readSkippingHeartbeats(5000);
                    assertEquals("f" + i, f.body());
                    sub.cmd("FIN " + f.id());
                }
            }
            try (WireClient sub = nsqd.connect()) {
                sub.cmd("SUB lonely c");
                assertEquals("OK", sub.read().text());
                sub.cmd("RDY 10");
                for (int i = 0; i < 10; i++) assertEquals("l" + i, sub.readSkippingHeartbeats(5000).body());
            }
        }
    }
}
