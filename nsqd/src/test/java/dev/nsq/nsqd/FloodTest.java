package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A client that pipelines PUBs and never reads its replies must not hurt anyone: nsqd stops reading
 * it once its replies back up (as NSQ's blocking writes do), so its memory stays bounded, other
 * clients on the same event loop carry on, and every PUB it was answered OK for is in the topic.
 * One event loop on purpose: the flooder shares it with everyone else.
 */
class FloodTest {
    /** What the flooder offers: far more than nsqd should ever hold for it. */
    private static final long OFFERED = 1L << 30;
    private static final int BODY = 100;
    private static final int GOOD_MESSAGES = 10_000;
    /** The bound this test holds nsqd to: heap and direct memory together grow less than this. */
    private static final long MEMORY_BOUND = 256L << 20;

    @TempDir Path dir;

    @Test
    @Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES) // without flow control the others starve: fail, don't hang
    void aFlooderThatNeverReadsCannotStarveOthersNorGrowMemory() throws Exception {
        // one event loop shared by all; a client timeout longer than the test, so the flooder, which
        // sends nothing while nsqd does not read it, is not dropped before it reads its answers
        try (TestNsqd nsqd = new TestNsqd(dir, o -> {
            o.eventLoops = 1;
            o.clientTimeoutMs = 600_000;
        })) {
            nsqd.post("/topic/create?topic=good", "");
            nsqd.post("/channel/create?topic=good&channel=work", "");
            nsqd.post("/channel/create?topic=good&channel=stuck", "");
            long before = heapAndDirect();

            Flooder flooder = new Flooder(nsqd.tcpPort());
            Thread floodThread = new Thread(flooder, "flooder");
            floodThread.start();
            // a third client subscribes with RDY 2500 and never reads
            try (WireClient stuck = nsqd.connect(); WireClient consumer = nsqd.connect(); WireClient producer = nsqd.connect()) {
                stuck.socket().setReceiveBufferSize(4096);
                stuck.cmd("SUB good stuck");
                assertEquals("OK", stuck.readSkippingHeartbeats(30_000).text());
                stuck.cmd("RDY 2500");

                consumer.cmd("SUB good work");
                assertEquals("OK", consumer.readSkippingHeartbeats(30_000).text());
                consumer.cmd("RDY 200");

                // the second client publishes and consumes 10,000 messages while the flood goes on
                Set<String> received = new HashSet<>();
                for (int i = 0; i < GOOD_MESSAGES; i++) {
                    producer.cmd("PUB good", "good-" + i);
                    WireClient.Frame ok = producer.readSkippingHeartbeats(60_000);
                    assertEquals("OK", ok.text(), "publish " + i);
                    drain(consumer, received, false);
                }
                while (received.size() < GOOD_MESSAGES) drain(consumer, received, true);
                assertEquals(GOOD_MESSAGES, received.size());

                long grown = heapAndDirect() - before;
                System.out.printf("FloodTest: flooder had %d MiB taken of %d MiB offered; nsqd's heap + direct memory grew %d MiB (bound %d MiB)%n",
                        flooder.written.get() >> 20, OFFERED >> 20, grown >> 20, MEMORY_BOUND >> 20);
                assertTrue(flooder.written.get() < OFFERED, "nsqd stopped reading the flooder before it had all");
                assertTrue(grown < MEMORY_BOUND, "heap + direct grew " + (grown >> 20) + " MiB");
            }

            // the flooder stops writing and reads its answers at last: one OK per complete PUB
            flooder.stop.set(true);
            floodThread.join(60_000);
            assertNull(flooder.failure, () -> "flooder failed: " + flooder.failure);
            long completePubs = flooder.completePubs();
            assertEquals(completePubs, flooder.oks, "every complete PUB answered OK");
            JsonNode topic = stats(nsqd, "flood").path("topics").path(0);
            assertEquals(completePubs, topic.path("message_count").asLong(), "every acknowledged PUB is in the topic");
            assertEquals(completePubs, topic.path("depth").asLong());
        }
    }

    private static void drain(WireClient consumer, Set<String> received, boolean wait) throws Exception {
        while (true) {
            if (!wait && consumer.input().available() == 0) return;
            WireClient.Frame f = consumer.readSkippingHeartbeats(60_000);
            assertTrue(f.isMessage(), f.toString());
            received.add(f.body());
            consumer.cmd("FIN " + f.id());
            wait = false;
        }
    }

    private static JsonNode stats(TestNsqd nsqd, String topic) throws Exception {
        return new ObjectMapper().readTree(nsqd.get("/stats?format=json&topic=" + topic).body());
    }

    /** Heap in use after a collection, plus direct memory (JDK buffers and Netty's own). */
    private static long heapAndDirect() {
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) used += b.getMemoryUsed();
        }
        return used + Math.max(0, PlatformDependent.usedDirectMemory());
    }

    /**
     * Pipelines PUB frames without reading, through a non-blocking socket so it can be told to
     * stop; then reads every answer it was sent and closes.
     */
    private static final class Flooder implements Runnable {
        private final int port;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong written = new AtomicLong();
        private final int frameLength;
        volatile long oks;
        volatile Throwable failure;

        Flooder(int port) {
            this.port = port;
            this.frameLength = "PUB flood\n".length() + 4 + BODY;
        }

        long completePubs() { return (written.get() - 4) / frameLength; }

        @Override
        public void run() {
            try (SocketChannel ch = SocketChannel.open(); Selector sel = Selector.open()) {
                ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4096);
                ch.connect(new InetSocketAddress("127.0.0.1", port));
                ch.write(ByteBuffer.wrap("  V2".getBytes(StandardCharsets.US_ASCII)));
                written.addAndGet(4);
                ch.configureBlocking(false);
                ch.register(sel, SelectionKey.OP_WRITE);
                ByteBuffer frames = pubFrames(1024);
                while (!stop.get() && written.get() < OFFERED) {
                    if (!frames.hasRemaining()) frames.rewind();
                    int n = ch.write(frames);
                    written.addAndGet(n);
                    if (n == 0) { // nsqd is not reading: wait until it does, or the test says stop
                        sel.select(100);
                        sel.selectedKeys().clear();
                    }
                }
                ch.keyFor(sel).cancel();
                sel.selectNow();
                ch.configureBlocking(true);
                ch.socket().setSoTimeout(60_000);
                DataInputStream in = new DataInputStream(ch.socket().getInputStream());
                long expected = completePubs();
                long n = 0;
                while (n < expected) {
                    int size = in.readInt();
                    byte[] data = new byte[size];
                    in.readFully(data);
                    String text = new String(data, 4, size - 4, StandardCharsets.UTF_8);
                    if (text.equals("OK")) n++;
                    else if (!text.equals("_heartbeat_")) throw new AssertionError("flooder got " + text);
                }
                oks = n;
            } catch (Throwable t) {
                failure = t;
            }
        }

        private ByteBuffer pubFrames(int count) {
            ByteBuffer b = ByteBuffer.allocate(count * frameLength);
            byte[] body = new byte[BODY];
            java.util.Arrays.fill(body, (byte) 'x');
            for (int i = 0; i < count; i++) {
                b.put("PUB flood\n".getBytes(StandardCharsets.US_ASCII)).putInt(BODY).put(body);
            }
            return b.flip();
        }
    }
}
