package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.support.NsqdProcess;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * nsqd --persist-deferred as a real process: deferred messages (DPUB and REQ with a delay) keep
 * their due time across SIGTERM, and in durable mode (--mem-queue-size=0 --sync-every=1) across
 * kill -9; none is delivered before its time and none is lost. A million deferred 200-byte messages fit in the heap
 * bin/nsqd gives nsqd (192 MiB), and come back after a restart.
 */
class DeferredRestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private JsonNode channel(NsqdProcess n, String topic, String channel) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.httpPort
                + "/stats?format=json&include_clients=false&topic=" + topic + "&channel=" + channel)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).path("topics").path(0).path("channels").path(0);
    }

    /**
     * Publishes {@code dpubs} DPUBs and {@code reqs} PUBs that a consumer then REQs with a delay,
     * every delay between {@code minMs} and {@code minMs + spanMs}; returns each body's due time
     * (wall clock, ms; the earliest it may arrive).
     */
    private Map<String, Long> deferMessages(NsqdProcess n, String topic, int dpubs, int reqs, long minMs, long spanMs) throws Exception {
        n.post("/topic/create?topic=" + topic);
        n.post("/channel/create?topic=" + topic + "&channel=c");
        Map<String, Long> due = new HashMap<>();
        try (WireClient p = new WireClient(n.tcpPort)) {
            for (int i = 0; i < reqs; i++) {
                p.cmd("PUB " + topic, "req-" + i);
                assertEquals("OK", p.readSkippingHeartbeats(10_000).text());
            }
        }
        try (WireClient c = WireClient.subscribe(n.tcpPort, topic, "c", 100)) {
            for (int i = 0; i < reqs; i++) {
                Frame f = c.readSkippingHeartbeats(10_000);
                long defer = minMs + (i * 104729L) % spanMs;
                due.put(f.body(), System.currentTimeMillis() + defer);
                c.cmd("REQ " + f.id() + " " + defer);
            }
            c.cmd("RDY 0");
            c.cmd("NOP");
            assertNull(c.readSkippingHeartbeatsOrNull(200));
        }
        try (WireClient p = new WireClient(n.tcpPort)) {
            for (int i = 0; i < dpubs; i++) {
                long defer = minMs + (i * 7919L) % spanMs;
                long sent = System.currentTimeMillis();
                p.cmd("DPUB " + topic + " " + defer, "dpub-" + i);
                assertEquals("OK", p.readSkippingHeartbeats(10_000).text());
                due.put("dpub-" + i, sent + defer);
            }
        }
        // deferred, or (the first ones) already due and queued again; none in flight
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode c = channel(n, topic, "c");
            return c.path("deferred_count").asLong() + c.path("depth").asLong() == dpubs + reqs && c.path("in_flight_count").asLong() == 0;
        });
        return due;
    }

    /** Receives (and FINs) for {@code forMs}, or until {@code count} arrived; checks none is early; returns the bodies. */
    private static Set<String> receive(int port, String topic, Map<String, Long> due, long forMs, int count, Set<String> duplicates) throws Exception {
        Set<String> got = new HashSet<>();
        long until = System.currentTimeMillis() + forMs;
        try (WireClient c = WireClient.subscribe(port, topic, "c", 500)) {
            while (got.size() < count && System.currentTimeMillis() < until) {
                Frame f = c.readSkippingHeartbeatsOrNull((int) Math.max(1, Math.min(1_000, until - System.currentTimeMillis())));
                if (f == null) continue;
                long now = System.currentTimeMillis();
                assertTrue(now >= due.get(f.body()), f.body() + " delivered " + (due.get(f.body()) - now) + " ms before its time");
                if (!got.add(f.body())) duplicates.add(f.body());
                c.cmd("FIN " + f.id());
            }
            c.cmd("RDY 0");
            while (c.readSkippingHeartbeatsOrNull(300) != null) {
                // sent before RDY 0 and left unfinished: requeued when this connection closes
            }
        }
        return got;
    }

    @Test
    void sigtermThenRestartKeepsEveryDeferredMessagesDueTime() throws Exception {
        Path log = dir.resolve("nsqd.log"), data = dir.resolve("data");
        Map<String, Long> due;
        Set<String> before, duplicates = new HashSet<>();
        try (NsqdProcess a = new NsqdProcess(data, log, "--persist-deferred")) {
            due = deferMessages(a, "later", 1_000, 200, 2_000, 8_000);
            before = receive(a.tcpPort, "later", due, 3_000, due.size(), duplicates); // the first ones fall due
            assertFalse(before.isEmpty());
            assertEquals(143, a.terminate(), "exit status after SIGTERM");
        }
        Map<String, Long> rest = new HashMap<>(due);
        rest.keySet().removeAll(before);
        try (NsqdProcess b = new NsqdProcess(data, log, "--persist-deferred")) {
            await("still deferred after the restart, or due and queued").atMost(Duration.ofSeconds(10)).until(() -> {
                JsonNode c = channel(b, "later", "c");
                return c.path("deferred_count").asLong() + c.path("depth").asLong() == rest.size();
            });
            Set<String> after = receive(b.tcpPort, "later", due, 20_000, rest.size(), duplicates);
            assertEquals(rest.keySet(), after, "every deferred message, once, none early");
            assertTrue(duplicates.isEmpty(), "delivered twice: " + duplicates);
            System.out.printf("DeferredRestartTest: %d deferred (DPUB and REQ); %d delivered before SIGTERM, %d after the restart, "
                    + "none early, none twice%n", due.size(), before.size(), after.size());
        }
    }

    @Test
    void killDashNineInDurableModeLosesNoDeferredMessageAndDeliversNoneEarly() throws Exception {
        Path log = dir.resolve("crash.log"), data = dir.resolve("data");
        String[] durable = {"--persist-deferred", "--mem-queue-size=0", "--sync-every=1"};
        Map<String, Long> due;
        Set<String> before, duplicates = new HashSet<>();
        try (NsqdProcess a = new NsqdProcess(data, log, durable)) {
            due = deferMessages(a, "crash", 300, 100, 2_000, 6_000);
            // every REQ'd message is in the journal and its record in the channel's queue acknowledged:
            // the queue's metadata counts only what is unread (due ones queued again), nothing handed out
            Path meta = data.resolve("crash:c.diskqueue.meta.dat");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    Files.readString(meta).startsWith(channel(a, "crash", "c").path("backend_depth").asLong() + "\n"));
            before = receive(a.tcpPort, "crash", due, 3_000, due.size(), duplicates);
            assertFalse(before.isEmpty());
            a.kill();
        }
        Map<String, Long> rest = new HashMap<>(due);
        rest.keySet().removeAll(before);
        try (NsqdProcess b = new NsqdProcess(data, log, durable)) {
            Set<String> after = receive(b.tcpPort, "crash", due, 20_000, rest.size(), duplicates);
            assertTrue(after.containsAll(rest.keySet()), "lost after kill -9: " + rest.keySet().stream().filter(k -> !after.contains(k)).toList());
            System.out.printf("DeferredRestartTest: %d deferred in durable mode; %d delivered before kill -9, %d after the restart "
                    + "(%d of them delivered before the kill too), none early%n", due.size(), before.size(), after.size(),
                    after.stream().filter(before::contains).count());
        }
    }

    @Test
    void aMillionDeferredMessagesFitInBinNsqdsHeapAndComeBackAfterARestart() throws Exception {
        Path log = dir.resolve("million.log"), data = dir.resolve("data");
        int total = 1_000_000;
        byte[] body = "x".repeat(200).getBytes();
        try (NsqdProcess a = new NsqdProcess(data, log, NsqdProcess.BIN_NSQD_MEMORY, "--persist-deferred")) {
            a.post("/topic/create?topic=million");
            a.post("/channel/create?topic=million&channel=c");
            long t0 = System.nanoTime();
            try (WireClient p = new WireClient(a.tcpPort)) {
                Semaphore window = new Semaphore(2_000);
                AtomicReference<Throwable> failed = new AtomicReference<>();
                Thread reader = new Thread(() -> {
                    try {
                        for (int i = 0; i < total; i++) {
                            Frame f = p.readSkippingHeartbeats(60_000);
                            if (!f.text().equals("OK")) throw new AssertionError(f.toString());
                            window.release();
                        }
                    } catch (Throwable t) {
                        failed.set(t);
                        window.release(total);
                    }
                }, "dpub-acks");
                reader.start();
                byte[] cmd = "DPUB million 3600000\n".getBytes();
                java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < total && failed.get() == null; i++) {
                    window.acquire();
                    batch.write(cmd);
                    batch.write(java.nio.ByteBuffer.allocate(4).putInt(body.length).array());
                    batch.write(body);
                    if (batch.size() > 32 * 1024 || i == total - 1) {
                        p.send(batch.toByteArray());
                        batch.reset();
                    }
                }
                reader.join(120_000);
                assertNull(failed.get());
            }
            assertEquals(total, channel(a, "million", "c").path("deferred_count").asLong());
            System.out.printf("DeferredRestartTest: %d DPUBs of 200 B acknowledged in %.1f s with -Xmx192m%n",
                    total, (System.nanoTime() - t0) / 1e9);
            assertEquals(143, a.terminate());
        }
        try (NsqdProcess b = new NsqdProcess(data, log, NsqdProcess.BIN_NSQD_MEMORY, "--persist-deferred")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> channel(b, "million", "c").path("deferred_count").asLong() == total);
            try (WireClient c = WireClient.subscribe(b.tcpPort, "million", "c", 100)) {
                assertNull(c.readSkippingHeartbeatsOrNull(500), "due in an hour: nothing now");
            }
            assertFalse(b.log().contains("OutOfMemoryError"), "no OutOfMemoryError");
        }
    }
}
