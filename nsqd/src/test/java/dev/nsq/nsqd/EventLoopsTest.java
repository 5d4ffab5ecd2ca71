package dev.nsq.nsqd;

import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Connections are spread over --event-loops event loops, not all served by one. */
class EventLoopsTest {
    @TempDir Path dir;

    @Test
    void connectionsAreServedByMoreThanOneEventLoopThread() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.eventLoops = 4)) {
            List<WireClient> conns = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    WireClient c = nsqd.connect();
                    c.cmd("PUB loops", "m" + i);
                    assertEquals("OK", c.readSkippingHeartbeats(10_000).text());
                    conns.add(c);
                }
                Set<String> threads = ConcurrentHashMap.newKeySet();
                CountDownLatch seen = new CountDownLatch(nsqd.nsqd.clients().size());
                for (ClientV2 c : nsqd.nsqd.clients()) {
                    c.context.runOnContext(v -> {
                        threads.add(Thread.currentThread().getName());
                        seen.countDown();
                    });
                }
                assertTrue(seen.await(10, TimeUnit.SECONDS));
                System.out.println("EventLoopsTest: 8 connections on " + threads);
                assertEquals(4, threads.size(), "8 connections over 4 loops, round robin: " + threads);
                for (String t : threads) assertTrue(t.startsWith("vert.x-eventloop-thread-"), t);
            } finally {
                for (WireClient c : conns) c.close();
            }
        }
    }
}
