package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A data directory written by a real NSQ 1.3.0 nsqd (test resources, copied from
 * shared/fixtures) opens in ours and delivers exactly what its manifest says.
 */
class FixtureCompatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    static Path copyFixture(Path into) throws Exception {
        Path src = Path.of(FixtureCompatTest.class.getResource("/fixtures/nsq-1.3-datadir/manifest.json").toURI()).getParent();
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) Files.copy(f, into.resolve(f.getFileName()));
        }
        return into;
    }

    @Test
    void nsqWrittenDataDirectoryDeliversExactlyItsManifest() throws Exception {
        copyFixture(dir);
        JsonNode manifest = JSON.readTree(dir.resolve("manifest.json").toFile());
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 100)) {
            for (JsonNode topic : manifest.path("topics")) {
                String t = topic.path("name").asText();
                for (JsonNode ch : topic.path("channels")) {
                    String c = ch.path("name").asText();
                    JsonNode stats = channelStats(nsqd, t, c);
                    assertEquals(ch.path("paused").asBoolean(), stats.path("paused").asBoolean(), t + ":" + c + " paused flag");
                    await().atMost(Duration.ofSeconds(10)).until(() -> channelStats(nsqd, t, c).path("depth").asInt()
                            == ch.path("depth_at_open").asInt());
                    if (ch.path("paused").asBoolean()) {
                        assertEquals(200, nsqd.post("/channel/unpause?topic=" + t + "&channel=" + c, "").statusCode());
                    }
                    JsonNode deliver = ch.path("deliver");
                    List<byte[]> bodies = consume(nsqd, t, c, deliver.path("count").asInt());
                    assertEquals(deliver.path("sha256").asText(), sha256OfSorted(bodies), t + ":" + c + " bodies");
                }
            }
        }
    }

    private static JsonNode channelStats(TestNsqd nsqd, String t, String c) throws Exception {
        return JSON.readTree(nsqd.get("/stats?format=json&topic=" + t + "&channel=" + c).body())
                .path("topics").path(0).path("channels").path(0);
    }

    private static List<byte[]> consume(TestNsqd nsqd, String t, String c, int count) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (WireClient w = nsqd.connect()) {
            w.cmd("SUB " + t + " " + c);
            assertEquals("OK", w.read().text());
            w.cmd("RDY 2500");
            for (int i = 0; i < count; i++) {
                Frame f = w.readSkippingHeartbeats(10_000);
                assertTrue(f.isMessage(), "expected a message, got " + f);
                assertEquals(1, f.attempts(), "every message is delivered for the first time");
                out.add(Arrays.copyOfRange(f.data(), 26, f.data().length));
                w.cmd("FIN " + f.id());
            }
            assertTrue(w.silentFor(500), "nothing beyond the manifest");
        }
        return out;
    }

    /** The manifest's digest: SHA-256 over the bodies sorted bytewise, each preceded by its length. */
    static String sha256OfSorted(List<byte[]> bodies) throws Exception {
        List<byte[]> sorted = new ArrayList<>(bodies);
        sorted.sort(Arrays::compareUnsigned);
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (byte[] b : sorted) {
            d.update(ByteBuffer.allocate(4).putInt(b.length).array());
            d.update(b);
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
