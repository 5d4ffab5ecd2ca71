package dev.nsq.nsqd;

import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A protocol fuzz run: 20,000 generated inputs (random bytes, mutated valid command sequences,
 * oversize and negative lengths) on many connections, plus slow-loris connections that send half a
 * frame and stall, all against one nsqd while a well-behaved producer and consumer keep working.
 * The pair loses nothing, nsqd keeps answering, its connections go away with their clients, and its
 * heap stays bounded. Seeded, so a failure replays.
 */
class ProtocolFuzzTest {
    private static final int INPUTS = 20_000;
    private static final int PER_CONNECTION = 25;
    private static final int SLOW_LORIS = 200;
    @TempDir Path dir;

    @Test
    void twentyThousandHostileInputsLeaveTheGoodClientsAndTheHeapAlone() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> { })) {
            WireClient consumer = nsqd.connect();
            consumer.cmd("SUB fuzzgood c");
            assertEquals("OK", consumer.read().text());
            consumer.cmd("RDY 50");
            WireClient producer = nsqd.connect();
            long heapBefore = usedHeapAfterGc();

            List<Socket> lorises = new ArrayList<>();
            Random seeds = new Random(20_000);
            for (int i = 0; i < SLOW_LORIS; i++) lorises.add(slowLoris(nsqd.tcpPort(), new Random(seeds.nextLong())));

            ExecutorService pool = Executors.newFixedThreadPool(8);
            AtomicInteger sent = new AtomicInteger();
            List<Future<?>> jobs = new ArrayList<>();
            for (int batch = 0; batch < INPUTS / PER_CONNECTION; batch++) {
                long seed = seeds.nextLong();
                jobs.add(pool.submit(() -> { fuzzConnection(nsqd.tcpPort(), new Random(seed), sent); return null; }));
            }

            // the good pair works all along
            Set<String> received = new HashSet<>();
            int published = 0;
            while (!allDone(jobs) || published < 500) {
                producer.cmd("PUB fuzzgood", "good-" + published);
                assertEquals("OK", producer.readSkippingHeartbeats(10_000).text(), "a well-behaved PUB is answered");
                published++;
                Frame m = consumer.readSkippingHeartbeats(10_000);
                received.add(m.body());
                consumer.cmd("FIN " + m.id());
            }
            for (Future<?> j : jobs) j.get(180, TimeUnit.SECONDS);
            pool.shutdown();
            assertEquals(INPUTS, sent.get(), "every generated input was sent");
            assertEquals(published, received.size(), "the good pair lost nothing");
            assertEquals(200, nsqd.get("/ping").statusCode());

            for (Socket s : lorises) s.close();
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> nsqd.nsqd.clients().size() <= 2);
            long heapAfter = usedHeapAfterGc();
            assertTrue(heapAfter - heapBefore < 64L * 1024 * 1024,
                    "heap grew by " + (heapAfter - heapBefore) / 1024 + " KiB over the run");
            System.out.printf("ProtocolFuzzTest: %d hostile inputs on %d connections and %d slow-loris connections; "
                            + "good pair published and received %d; heap %d -> %d KiB%n", sent.get(), INPUTS / PER_CONNECTION,
                    SLOW_LORIS, published, heapBefore / 1024, heapAfter / 1024);
            consumer.close();
            producer.close();
        }
    }

    private static boolean allDone(List<Future<?>> jobs) {
        for (Future<?> j : jobs) if (!j.isDone()) return false;
        return true;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // a few rounds: the figure settles once finalizable garbage is gone
            System.gc();
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    /** Magic, then half a command or half a body, then nothing: the connection stays open and idle. */
    private static Socket slowLoris(int port, Random r) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        OutputStream out = s.getOutputStream();
        out.write("  V2".getBytes(StandardCharsets.US_ASCII));
        byte[] valid = validCommand(r);
        out.write(valid, 0, 1 + r.nextInt(valid.length - 1));
        out.flush();
        return s;
    }

    /** One connection: up to {@link #PER_CONNECTION} inputs, reading whatever comes back, until nsqd closes it. */
    private static void fuzzConnection(int port, Random r, AtomicInteger sent) throws IOException {
        int inputs = PER_CONNECTION;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            if (r.nextInt(10) > 0) out.write("  V2".getBytes(StandardCharsets.US_ASCII)); // mostly past the magic
            byte[] buf = new byte[64 * 1024];
            for (int i = 0; i < PER_CONNECTION; i++) {
                try {
                    out.write(input(r));
                    out.flush();
                } catch (IOException closedByServer) {
                    break;
                }
                inputs--;
                sent.incrementAndGet();
                try {
                    if (in.read(buf) < 0) break; // closed after a fatal error
                } catch (SocketTimeoutException quiet) {
                    // nothing to say (yet), e.g. a partial frame: go on
                } catch (IOException reset) {
                    break;
                }
            }
        } finally {
            // a connection that nsqd closed early leaves its remaining inputs to fresh connections
            for (; inputs > 0; inputs--) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.getOutputStream().write(input(r));
                    sent.incrementAndGet();
                } catch (IOException ignored) {
                    sent.incrementAndGet(); // written or refused mid-write: the input was offered
                }
            }
        }
    }

    private static byte[] input(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> randomBytes(r, 1 + r.nextInt(256));
            case 1, 2 -> mutate(validCommand(r), r);
            default -> oversize(r);
        };
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** A command NSQ would accept in some state. */
    static byte[] validCommand(Random r) {
        String topic = "fz" + r.nextInt(4);
        return switch (r.nextInt(12)) {
            case 0 -> framed("IDENTIFY\n", "{\"client_id\":\"f\",\"heartbeat_interval\":1000,\"feature_negotiation\":true}");
            case 1 -> ("SUB " + topic + " ch" + r.nextInt(3) + "#ephemeral\n").getBytes(StandardCharsets.US_ASCII);
            case 2 -> framed("PUB " + topic + "#ephemeral\n", "x".repeat(r.nextInt(200)));
            case 3 -> mpub(topic + "#ephemeral", 1 + r.nextInt(5));
            case 4 -> framed("DPUB " + topic + "#ephemeral " + r.nextInt(2000) + "\n", "late");
            case 5 -> ("RDY " + r.nextInt(3000) + "\n").getBytes(StandardCharsets.US_ASCII);
            case 6 -> ("FIN " + hexId(r) + "\n").getBytes(StandardCharsets.US_ASCII);
            case 7 -> ("REQ " + hexId(r) + " " + r.nextInt(5000) + "\n").getBytes(StandardCharsets.US_ASCII);
            case 8 -> ("TOUCH " + hexId(r) + "\n").getBytes(StandardCharsets.US_ASCII);
            case 9 -> "NOP\n".getBytes(StandardCharsets.US_ASCII);
            case 10 -> "CLS\n".getBytes(StandardCharsets.US_ASCII);
            default -> framed("AUTH\n", "secret");
        };
    }

    private static String hexId(Random r) { return String.format("%016x", r.nextLong()); }

    private static byte[] framed(String line, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        o.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
        o.writeBytes(b);
        return o.toByteArray();
    }

    private static byte[] mpub(String topic, int n) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(4).putInt(n).array());
        for (int i = 0; i < n; i++) {
            body.writeBytes(ByteBuffer.allocate(4).putInt(2).array());
            body.writeBytes("mp".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] b = body.toByteArray();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(("MPUB " + topic + "\n").getBytes(StandardCharsets.US_ASCII));
        o.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
        o.writeBytes(b);
        return o.toByteArray();
    }

    /** Flips, drops, duplicates or inserts bytes, or cuts the command short. */
    private static byte[] mutate(byte[] valid, Random r) {
        byte[] b = valid.clone();
        switch (r.nextInt(5)) {
            case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            case 1 -> b = java.util.Arrays.copyOf(b, 1 + r.nextInt(b.length)); // truncated
            case 2 -> {
                int at = r.nextInt(b.length);
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                o.write(b, 0, at);
                o.writeBytes(randomBytes(r, 1 + r.nextInt(8)));
                o.write(b, at, b.length - at);
                b = o.toByteArray();
            }
            case 3 -> {
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                o.writeBytes(b);
                o.writeBytes(b);
                b = o.toByteArray();
            }
            default -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** A command whose announced body size is absurd: huge, negative, or one past the limit. */
    private static byte[] oversize(Random r) {
        String[] lines = {"PUB fzbig\n", "MPUB fzbig\n", "IDENTIFY\n", "DPUB fzbig 10\n", "AUTH\n"};
        int[] sizes = {Integer.MAX_VALUE, -1, Integer.MIN_VALUE, 1_048_577, 5_242_881, 0};
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(lines[r.nextInt(lines.length)].getBytes(StandardCharsets.US_ASCII));
        o.writeBytes(ByteBuffer.allocate(4).putInt(sizes[r.nextInt(sizes.length)]).array());
        o.writeBytes(randomBytes(r, r.nextInt(64)));
        return o.toByteArray();
    }
}
