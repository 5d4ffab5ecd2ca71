package dev.nsq.nsqd;

import dev.nsq.nsqd.support.NsqdProcess;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * nsqd as a real process: SIGTERM with 100,000 messages across two channels and a small memory
 * queue loses nothing unfinished; kill -9 with --mem-queue-size=0 --sync-every=1 loses nothing
 * that PUB acknowledged, not even messages that were in flight (NSQ loses those).
 */
class RestartTest {
    private static final int TOTAL = 100_000;
    private static final int BATCH = 500;
    @TempDir Path dir;

    private static String body(int i) { return String.format("msg-%06d", i); }

    /** Consumes {@code finish} messages (FIN) and leaves {@code hold} more in flight. Returns the finished bodies. */
    private static Set<String> consume(WireClient c, int finish, int hold) throws Exception {
        Set<String> done = new HashSet<>();
        List<Frame> held = new ArrayList<>();
        while (done.size() < finish || held.size() < hold) {
            Frame f = c.readSkippingHeartbeats(10_000);
            assertTrue(f.isMessage(), f.toString());
            if (done.size() < finish) {
                done.add(f.body());
                c.cmd("FIN " + f.id());
            } else {
                held.add(f); // delivered, never finished
            }
        }
        return done;
    }

    /** Waits until the channel's client has {@code finished} FINs counted by nsqd (/stats finish_count). */
    private static void awaitFinished(NsqdProcess n, String channel, long finished) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        long deadline = System.nanoTime() + 20_000_000_000L;
        long seen = -1;
        while (System.nanoTime() < deadline) {
            com.fasterxml.jackson.databind.JsonNode stats = json.readTree(n.get("/stats?format=json&topic=restart&channel=" + channel));
            seen = stats.path("topics").path(0).path("channels").path(0).path("clients").path(0).path("finish_count").asLong(-1);
            if (seen == finished) return;
            Thread.onSpinWait();
        }
        fail("channel " + channel + ": nsqd counted " + seen + " FINs, not " + finished);
    }

    /** Reads until {@code expected} distinct bodies arrived (FINing each) and then silence. */
    private static Set<String> drain(int port, String topic, String channel, int expected) throws Exception {
        Set<String> got = new HashSet<>();
        try (WireClient c = WireClient.subscribe(port, topic, channel, 2500)) {
            while (got.size() < expected) {
                Frame f = c.readSkippingHeartbeats(20_000);
                got.add(f.body());
                c.cmd("FIN " + f.id());
            }
            assertTrue(c.silentFor(500), "no more messages than expected");
        }
        return got;
    }

    @Test
    void sigtermThenRestartDeliversEveryUnfinishedMessageOnBothChannels() throws Exception {
        Path log = dir.resolve("nsqd.log");
        Path data = dir.resolve("data");
        Set<String> finished1, finished2;
        try (NsqdProcess a = new NsqdProcess(data, log, "--mem-queue-size=1000")) {
            a.post("/topic/create?topic=restart");
            a.post("/channel/create?topic=restart&channel=c1");
            a.post("/channel/create?topic=restart&channel=c2");
            try (WireClient p = new WireClient(a.tcpPort)) {
                for (int i = 0; i < TOTAL; i += BATCH) {
                    String[] bodies = new String[BATCH];
                    for (int k = 0; k < BATCH; k++) bodies[k] = body(i + k);
                    p.cmd("MPUB restart", WireClient.mpubBody(bodies));
                    assertEquals("OK", p.readSkippingHeartbeats(10_000).text());
                }
            }
            WireClient c1 = WireClient.subscribe(a.tcpPort, "restart", "c1", 500);
            WireClient c2 = WireClient.subscribe(a.tcpPort, "restart", "c2", 500);
            finished1 = consume(c1, 30_000, 400);
            finished2 = consume(c2, 10_000, 400);
            // the FINs were only sent: wait until nsqd has taken them all, or a FIN still in the
            // socket at SIGTERM would bring its message back (at least once, but not what this counts)
            awaitFinished(a, "c1", 30_000);
            awaitFinished(a, "c2", 10_000);
            // consumers still connected, 400 in flight on each channel: SIGTERM now
            assertEquals(143, a.terminate(), "exit status after SIGTERM");
            c1.close();
            c2.close();
        }
        try (NsqdProcess b = new NsqdProcess(data, log, "--mem-queue-size=1000")) {
            Set<String> rest1 = drain(b.tcpPort, "restart", "c1", TOTAL - finished1.size());
            Set<String> rest2 = drain(b.tcpPort, "restart", "c2", TOTAL - finished2.size());
            Set<String> all1 = new HashSet<>(finished1);
            all1.addAll(rest1);
            Set<String> all2 = new HashSet<>(finished2);
            all2.addAll(rest2);
            assertEquals(TOTAL, all1.size(), "c1: finished before + delivered after = everything");
            assertEquals(TOTAL, all2.size(), "c2: finished before + delivered after = everything");
            System.out.printf("RestartTest: published %d; c1 finished %d before SIGTERM, %d after restart; "
                            + "c2 finished %d before, %d after; none lost%n",
                    TOTAL, finished1.size(), rest1.size(), finished2.size(), rest2.size());
        }
    }

    @Test
    void killDashNineLosesNoAcknowledgedMessageWithSyncEveryOne() throws Exception {
        Path log = dir.resolve("crash.log");
        Path data = dir.resolve("data");
        int acked = 0;
        try (NsqdProcess a = new NsqdProcess(data, log, "--mem-queue-size=0", "--sync-every=1")) {
            a.post("/topic/create?topic=crash");
            a.post("/channel/create?topic=crash&channel=c");
            try (WireClient p = new WireClient(a.tcpPort)) {
                for (int i = 0; i < 300; i++) {
                    p.cmd("PUB crash", body(i));
                    assertEquals("OK", p.readSkippingHeartbeats(10_000).text());
                    acked++;
                }
            }
            a.kill();
        }
        try (NsqdProcess b = new NsqdProcess(data, log, "--mem-queue-size=0", "--sync-every=1")) {
            Set<String> got = drain(b.tcpPort, "crash", "c", acked);
            for (int i = 0; i < acked; i++) assertTrue(got.contains(body(i)), "acknowledged " + body(i) + " delivered");
            System.out.printf("RestartTest: %d PUBs acknowledged before kill -9, %d delivered after restart%n", acked, got.size());
        }
    }

    @Test
    void killDashNineRedeliversWhatWasInFlightWithMemQueueSizeZero() throws Exception {
        Path log = dir.resolve("inflight.log");
        Path data = dir.resolve("data");
        int total = 300, finish = 100, hold = 50;
        Set<String> finished;
        try (NsqdProcess a = new NsqdProcess(data, log, "--mem-queue-size=0", "--sync-every=1")) {
            a.post("/topic/create?topic=inflight");
            a.post("/channel/create?topic=inflight&channel=c");
            try (WireClient p = new WireClient(a.tcpPort)) {
                for (int i = 0; i < total; i++) {
                    p.cmd("PUB inflight", body(i));
                    assertEquals("OK", p.readSkippingHeartbeats(10_000).text());
                }
            }
            WireClient c = WireClient.subscribe(a.tcpPort, "inflight", "c", finish + hold);
            finished = consume(c, finish, hold); // 50 delivered and still in flight at the kill
            // the FINs are persisted: the read position now stands at the oldest in-flight message,
            // so the metadata counts the 200 not finished (in flight or never delivered)
            Path meta = data.resolve("inflight:c.diskqueue.meta.dat");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> java.nio.file.Files.readString(meta).startsWith((total - finish) + "\n"));
            a.kill();
            c.close();
        }
        try (NsqdProcess b = new NsqdProcess(data, log, "--mem-queue-size=0", "--sync-every=1")) {
            Set<String> got = new HashSet<>();
            int deliveries = 0;
            try (WireClient c = WireClient.subscribe(b.tcpPort, "inflight", "c", 2500)) {
                while (true) {
                    Frame f = c.readSkippingHeartbeatsOrNull(2_000);
                    if (f == null) break;
                    got.add(f.body());
                    deliveries++;
                    c.cmd("FIN " + f.id());
                }
            }
            for (int i = 0; i < total; i++) {
                if (!finished.contains(body(i))) assertTrue(got.contains(body(i)), "unfinished " + body(i) + " delivered after kill -9");
            }
            assertEquals(total - finish, got.size(), "exactly the unfinished ones come back");
            System.out.printf("RestartTest: %d published, %d finished and %d in flight at kill -9; after restart %d delivered "
                    + "(%d of them finished before)%n", total, finished.size(), hold, deliveries,
                    got.stream().filter(finished::contains).count());
        }
    }
}
