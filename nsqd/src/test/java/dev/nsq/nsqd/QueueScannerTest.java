package dev.nsq.nsqd;

import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** NSQ's queue scan: --queue-scan-selection-count, -dirty-percent, -worker-pool-max and -interval take effect. */
class QueueScannerTest {
    private static final long HOUR_NS = TimeUnit.HOURS.toNanos(1);
    @TempDir Path dir;

    /** Ten channels, each with one deferred message due in an hour. */
    private static List<Channel> channelsWithDeferred(NsqdOptions o) {
        List<Channel> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Channel c = new Channel("t", "c" + i, o, null);
            Message m = new Message(i + 1, 0, new byte[] {1});
            m.deferMs = TimeUnit.HOURS.toMillis(1);
            c.put(List.of(m));
            out.add(c);
        }
        return out;
    }

    private static long released(List<Channel> channels) {
        return channels.stream().filter(c -> c.deferredCount() == 0).count();
    }

    @Test
    void aCycleChecksSelectionCountChannels() throws Exception {
        NsqdOptions o = new NsqdOptions();
        o.queueScanSelectionCount = 3;
        o.queueScanDirtyPercent = 1.0; // never start the next cycle at once
        List<Channel> channels = channelsWithDeferred(o);
        QueueScanner scanner = new QueueScanner(() -> channels, o, Runnable::run);
        assertEquals(1, scanner.cycle(System.nanoTime() + 2 * HOUR_NS).await(10, TimeUnit.SECONDS));
        assertEquals(3, released(channels));
    }

    @Test
    void aDirtyCycleIsFollowedAtOnceByAnother() throws Exception {
        NsqdOptions o = new NsqdOptions();
        o.queueScanSelectionCount = 3;
        o.queueScanDirtyPercent = 0.25;
        List<Channel> channels = channelsWithDeferred(o);
        QueueScanner scanner = new QueueScanner(() -> channels, o, Runnable::run);
        // the first cycle finds all 3 dirty (over 25%), the next one (at the real now) none
        assertEquals(2, scanner.cycle(System.nanoTime() + 2 * HOUR_NS).await(10, TimeUnit.SECONDS));
    }

    @Test
    void workersAreAQuarterOfTheChannelsUpToThePoolMax() {
        NsqdOptions o = new NsqdOptions();
        o.queueScanWorkerPoolMax = 4;
        QueueScanner scanner = new QueueScanner(List::of, o, Runnable::run);
        assertEquals(1, scanner.poolSize(1));
        assertEquals(2, scanner.poolSize(8));
        assertEquals(4, scanner.poolSize(100));
    }

    @Test
    void deferredMessagesWaitForTheScanInterval() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.queueScanIntervalMs = TimeUnit.HOURS.toMillis(1));
             WireClient sub = nsqd.connect(); WireClient pub = nsqd.connect()) {
            sub.cmd("SUB scan ch");
            assertEquals("OK", sub.read().text());
            sub.cmd("RDY 1");
            pub.cmd("DPUB scan 1", "later");
            assertEquals("OK", pub.read().text());
            // due after 1 ms, but no scan runs for an hour
            assertTrue(sub.silentFor(1500));
        }
    }

    @Test
    void theScanSettingsAreShownInConfig() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> {
            o.queueScanSelectionCount = 7;
            o.queueScanWorkerPoolMax = 3;
            o.eventLoops = 2;
        })) {
            assertEquals("100000000", nsqd.get("/config/queue_scan_interval").body());
            assertEquals("7", nsqd.get("/config/queue_scan_selection_count").body());
            assertEquals("3", nsqd.get("/config/queue_scan_worker_pool_max").body());
            assertEquals("0.25", nsqd.get("/config/queue_scan_dirty_percent").body());
            assertEquals("2", nsqd.get("/config/event_loops").body());
        }
    }
}
