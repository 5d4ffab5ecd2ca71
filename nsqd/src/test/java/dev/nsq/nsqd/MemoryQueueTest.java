package dev.nsq.nsqd;

import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
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

    @Test
    void queuedMessagesComeBackInOrderWithTheirIdsAndTheQueueMemoryIsGivenBack() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 100_000)) {
            assertEquals(200, nsqd.post("/topic/create?topic=offheap", "").statusCode());
            assertEquals(200, nsqd.post("/channel/create?topic=offheap&channel=c", "").statusCode());
            int n = OffHeapQueue.FRONT_MESSAGES + 1000; // more than stays on the heap
            mpub(nsqd, "offheap", "m", 0, n);
            Topic t = nsqd.nsqd.getTopic("offheap");
            Channel ch = t.getChannel("c");
            assertEquals(0, t.memoryQueueBytes(), "the topic passes messages on at once");
            assertEquals(n, ch.memoryDepth());
            assertTrue(ch.memoryQueueBytes() >= 1000 * (OffHeapQueue.HEADER_BYTES + 4), "queued off-heap: " + ch.memoryQueueBytes());
            try (WireClient c = nsqd.connect()) {
                c.cmd("SUB offheap c");
                assertEquals("OK", c.read().text());
                c.cmd("RDY 2500");
                Set<String> ids = new HashSet<>();
                String lastId = null;
                for (int i = 0; i < n; i++) {
                    Frame f = c.readSkippingHeartbeats(5000);
                    assertEquals("m" + i, f.body(), "publish order");
                    assertEquals(1, f.attempts());
                    assertTrue(Math.abs(f.timestamp() / 1_000_000L - System.currentTimeMillis()) < 60_000, "timestamp in ns");
                    ids.add(f.id());
                    if (i < n - 1) c.cmd("FIN " + f.id());
                    else lastId = f.id();
                }
                assertEquals(n, ids.size());
                assertEquals(0, ch.memoryQueueBytes(), "an empty queue holds no memory");
                c.cmd("REQ " + lastId + " 0");
                Frame again = c.readSkippingHeartbeats(5000);
                assertEquals(lastId, again.id());
                assertEquals("m" + (n - 1), again.body());
                assertEquals(2, again.attempts());
                c.cmd("FIN " + lastId);
                await().atMost(Duration.ofSeconds(5)).until(() -> ch.inFlightCount() == 0);
                assertEquals(0, ch.depth());
            }
        }
    }

    @Test
    void eachChannelGetsItsOwnCopyAndEmptyAndDeleteGiveTheMemoryBack() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 100_000)) {
            assertEquals(200, nsqd.post("/topic/create?topic=held", "").statusCode());
            int n = OffHeapQueue.FRONT_MESSAGES + 500;
            mpub(nsqd, "held", "h", 0, n);
            Topic t = nsqd.nsqd.getTopic("held");
            assertEquals(n, t.memoryDepth(), "no channel yet: the topic keeps them");
            assertTrue(t.memoryQueueBytes() > 0);

            assertEquals(200, nsqd.post("/channel/create?topic=held&channel=c1", "").statusCode());
            Channel c1 = t.getChannel("c1");
            await().atMost(Duration.ofSeconds(5)).until(() -> c1.memoryDepth() == n);
            assertTrue(c1.memoryQueueBytes() > 0);
            assertEquals(0, t.memoryDepth());
            assertEquals(0, t.memoryQueueBytes());

            assertEquals(200, nsqd.post("/channel/create?topic=held&channel=c2", "").statusCode());
            Channel c2 = t.getChannel("c2");
            mpub(nsqd, "held", "n", 0, 50);
            assertEquals(n + 50, c1.memoryDepth());
            assertEquals(50, c2.memoryDepth());

            assertEquals(200, nsqd.post("/channel/empty?topic=held&channel=c1", "").statusCode());
            assertEquals(0, c1.memoryDepth());
            assertEquals(0, c1.memoryQueueBytes());
            assertEquals(50, c2.memoryDepth(), "emptying one channel leaves the other's copies");
            try (WireClient c = nsqd.connect()) {
                c.cmd("SUB held c2");
                assertEquals("OK", c.read().text());
                c.cmd("RDY 1");
                assertEquals("n0", c.readSkippingHeartbeats(5000).body());
            }
            assertEquals(200, nsqd.post("/channel/delete?topic=held&channel=c2", "").statusCode());
            assertEquals(0, c2.memoryQueueBytes());

            assertEquals(200, nsqd.post("/topic/pause?topic=held", "").statusCode());
            mpub(nsqd, "held", "p", 0, 20);
            assertEquals(20, t.memoryDepth(), "a paused topic keeps them");
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
