package dev.nsq.nsqd;

import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Thousands of malformed inputs (random bytes, truncated frames, huge sizes, invalid names,
 * commands in the wrong state) against one nsqd while a well-behaved producer and consumer work
 * beside them: each bad connection gets NSQ's error (fatal ones are closed), the server stays up,
 * and the good pair loses nothing.
 */
class BadInputTest {
    private static final int INPUTS = 3000;
    @TempDir Path dir;

    /** Expected exact answers for inputs whose NSQ reply is known; null = any well-formed reply or none. */
    private record Case(byte[] bytes, String expectedError) {}

    @Test
    void malformedInputGetsNsqErrorsAndOthersCarryOn() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> { })) {
            // the well-behaved pair
            WireClient consumer = nsqd.connect();
            consumer.cmd("SUB good good");
            assertEquals("OK", consumer.read().text());
            consumer.cmd("RDY 100");
            WireClient producer = nsqd.connect();

            Random rnd = new Random(42);
            List<Case> cases = new ArrayList<>();
            for (int i = 0; i < INPUTS; i++) cases.add(generate(rnd, i));

            ExecutorService pool = Executors.newFixedThreadPool(32);
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicInteger exact = new AtomicInteger();
            List<Future<?>> jobs = new ArrayList<>();
            for (Case c : cases) jobs.add(pool.submit(() -> run(nsqd.tcpPort(), c, problems, exact)));

            Set<String> received = new HashSet<>();
            int published = 0;
            for (int i = 0; i < 300; i++) {
                producer.cmd("PUB good", "good-" + i);
                assertEquals("OK", producer.readSkippingHeartbeats(5000).text());
                published++;
                Frame m = consumer.readSkippingHeartbeats(5000);
                received.add(m.body());
                consumer.cmd("FIN " + m.id());
            }
            for (Future<?> j : jobs) j.get(120, TimeUnit.SECONDS);
            pool.shutdown();

            assertTrue(problems.isEmpty(), "bad inputs answered wrongly:\n" + String.join("\n", problems));
            assertEquals(published, received.size(), "the good pair lost nothing");
            assertTrue(exact.get() > INPUTS / 2, "most generated inputs have a known exact reply: " + exact.get());
            assertEquals(200, nsqd.get("/ping").statusCode());
            consumer.close();
            producer.close();
        }
    }

    private static void run(int port, Case c, ConcurrentLinkedQueue<String> problems, AtomicInteger exact) {
        try (WireClient w = new WireClient(port, false)) {
            w.send(c.bytes);
            if (c.expectedError != null) {
                Frame f = readNonHeartbeat(w);
                if (f == null || f.type() != 1 || !f.text().equals(c.expectedError)) {
                    problems.add("input " + describe(c.bytes) + ": expected error " + c.expectedError + ", got " + f);
                    return;
                }
                if (!w.closedWithin(3000)) problems.add("input " + describe(c.bytes) + ": fatal error but not closed");
                exact.incrementAndGet();
                return;
            }
            // unknown outcome: every frame must be well formed; a fatal error must be followed by close
            long deadline = System.currentTimeMillis() + 300;
            while (System.currentTimeMillis() < deadline) {
                Frame f;
                try {
                    f = w.read((int) Math.max(1, deadline - System.currentTimeMillis()));
                } catch (SocketTimeoutException e) {
                    return; // waiting for more bytes: fine, we hang up (a truncated frame)
                } catch (IOException e) {
                    return; // closed by the server
                }
                if (f.type() < 0 || f.type() > 2) problems.add("input " + describe(c.bytes) + ": bad frame type " + f.type());
                if (f.type() == 1 && !f.text().startsWith("E_")) problems.add("input " + describe(c.bytes) + ": bad error " + f.text());
            }
        } catch (IOException e) {
            // the server may reset a connection it closed; that is allowed
        }
    }

    private static Frame readNonHeartbeat(WireClient w) {
        try {
            return w.readSkippingHeartbeats(3000);
        } catch (IOException e) {
            return null;
        }
    }

    private static String describe(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 60), StandardCharsets.ISO_8859_1);
        return s.replaceAll("[^\\x20-\\x7e]", ".") + (b.length > 60 ? "...(" + b.length + " bytes)" : "");
    }

    // ---- generators ------------------------------------------------------------------------

    private static Case generate(Random r, int i) {
        return switch (i % 10) {
            case 0 -> randomBytes(r, true);
            case 1 -> randomBytes(r, false);
            case 2 -> hugeSize(r);
            case 3 -> invalidName(r);
            case 4 -> wrongState(r);
            case 5 -> truncated(r);
            case 6 -> badNumbers(r);
            case 7 -> badIdentify(r);
            case 8 -> badMpub(r);
            default -> mutatedValid(r);
        };
    }

    private static byte[] concat(Object... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            else if (p instanceof Integer n) b.writeBytes(ByteBuffer.allocate(4).putInt(n).array());
            else b.writeBytes((byte[]) p);
        }
        return b.toByteArray();
    }

    private static Case randomBytes(Random r, boolean withMagic) {
        byte[] junk = new byte[1 + r.nextInt(200)];
        r.nextBytes(junk);
        if (!withMagic) {
            // anything that is not the magic is refused with E_BAD_PROTOCOL
            if (junk.length >= 4 && new String(junk, 0, 4, StandardCharsets.ISO_8859_1).equals("  V2")) junk[0] = 'X';
            if (junk.length < 4) return new Case(junk, null);
            return new Case(junk, "E_BAD_PROTOCOL");
        }
        return new Case(concat("  V2", junk), null);
    }

    private static Case hugeSize(Random r) {
        int size = 1_048_577 + r.nextInt(Integer.MAX_VALUE - 1_048_577);
        return switch (r.nextInt(3)) {
            case 0 -> new Case(concat("  V2", "PUB t\n", size), "E_BAD_MESSAGE PUB message too big " + size + " > 1048576");
            case 1 -> new Case(concat("  V2", "MPUB t\n", size), size > 5_242_880
                    ? "E_BAD_BODY MPUB body too big " + size + " > 5242880" : null);
            default -> new Case(concat("  V2", "IDENTIFY\n", size), "E_BAD_BODY IDENTIFY body too big " + size + " > 5242880");
        };
    }

    private static Case invalidName(Random r) {
        String bad = switch (r.nextInt(4)) {
            case 0 -> "bad!" + r.nextInt(1000);
            case 1 -> "x".repeat(65 + r.nextInt(50));
            case 2 -> "a/b" + r.nextInt(10);
            default -> "#ephemeral";
        };
        return switch (r.nextInt(3)) {
            case 0 -> new Case(concat("  V2", "PUB " + bad + "\n"), "E_BAD_TOPIC PUB topic name \"" + bad + "\" is not valid");
            case 1 -> new Case(concat("  V2", "SUB " + bad + " ch\n"), "E_BAD_TOPIC SUB topic name \"" + bad + "\" is not valid");
            default -> new Case(concat("  V2", "SUB ok " + bad + "\n"), "E_BAD_CHANNEL SUB channel name \"" + bad + "\" is not valid");
        };
    }

    private static Case wrongState(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> new Case(concat("  V2", "FIN 0123456789abcdef\n"), "E_INVALID cannot FIN in current state");
            case 1 -> new Case(concat("  V2", "RDY 1\n"), "E_INVALID cannot RDY in current state");
            case 2 -> new Case(concat("  V2", "CLS\n"), "E_INVALID cannot CLS in current state");
            case 3 -> new Case(concat("  V2", "TOUCH 0123456789abcdef\n"), "E_INVALID cannot TOUCH in current state");
            default -> new Case(concat("  V2", "SUB bi" + r.nextInt(5) + " c\nIDENTIFY\n"), null);
        };
    }

    private static Case truncated(Random r) {
        int size = 10 + r.nextInt(100);
        byte[] part = new byte[r.nextInt(size)];
        r.nextBytes(part);
        return switch (r.nextInt(3)) {
            case 0 -> new Case(concat("  V2", "PUB trunc\n", size, part), null);
            case 1 -> new Case(concat("  V2", "PUB trunc\n", new byte[]{0, 0}), null);
            default -> new Case(concat("  V2", "NOP\nSU"), null);
        };
    }

    private static Case badNumbers(Random r) {
        String n = switch (r.nextInt(3)) {
            case 0 -> "-" + r.nextInt(100);
            case 1 -> "x" + r.nextInt(100);
            default -> "1e" + r.nextInt(9);
        };
        return switch (r.nextInt(2)) {
            case 0 -> new Case(concat("  V2", "DPUB t " + n + "\n"), "E_INVALID DPUB could not parse timeout " + n);
            default -> new Case(concat("  V2", "SUB t c\nRDY " + n + "\n"), null);
        };
    }

    private static Case badIdentify(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> new Case(concat("  V2", "IDENTIFY\n", 5, "{nope"), "E_BAD_BODY IDENTIFY failed to decode JSON body");
            case 1 -> new Case(concat("  V2", "IDENTIFY\n", 0), "E_BAD_BODY IDENTIFY invalid body size 0");
            case 2 -> {
                int hb = 1 + r.nextInt(998);
                String body = "{\"heartbeat_interval\":" + hb + "}";
                yield new Case(concat("  V2", "IDENTIFY\n", body.length(), body), "E_BAD_BODY IDENTIFY heartbeat interval (" + hb + ") is invalid");
            }
            default -> {
                int sr = 100 + r.nextInt(1000);
                String body = "{\"sample_rate\":" + sr + "}";
                yield new Case(concat("  V2", "IDENTIFY\n", body.length(), body), "E_BAD_BODY IDENTIFY sample rate (" + sr + ") is invalid");
            }
        };
    }

    private static Case badMpub(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> new Case(concat("  V2", "MPUB t\n", 8, 0), "E_BAD_BODY MPUB invalid message count 0");
            case 1 -> new Case(concat("  V2", "MPUB t\n", 100, 2, 1, "a", 0), "E_BAD_MESSAGE MPUB invalid message(1) body size 0");
            default -> new Case(concat("  V2", "MPUB t\n", 100, 1, 2_000_000), "E_BAD_MESSAGE MPUB message too big 2000000 > 1048576");
        };
    }

    /** A valid command sequence with a few bytes flipped. */
    private static Case mutatedValid(Random r) {
        byte[] valid = concat("  V2", "IDENTIFY\n", 2, "{}", "SUB mut c\n", "RDY 3\n", "PUB mut\n", 3, "abc", "NOP\n");
        for (int k = 0; k < 1 + r.nextInt(3); k++) valid[4 + r.nextInt(valid.length - 4)] = (byte) r.nextInt(256);
        return new Case(valid, null);
    }
}
