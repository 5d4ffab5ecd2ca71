package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/** Disk queues, nsqd.dat and restarts, in process, against the on-disk format facts. */
class StorageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private static void pub(WireClient p, String topic, String body) throws Exception {
        p.cmd("PUB " + topic, body);
        Frame f = p.read();
        assertEquals("OK", f.text(), "PUB " + body);
    }

    private static Set<String> consume(TestNsqd nsqd, String topic, String channel, int n) throws Exception {
        Set<String> got = new HashSet<>();
        try (WireClient c = nsqd.connect()) {
            c.cmd("SUB " + topic + " " + channel);
            assertEquals("OK", c.read().text());
            c.cmd("RDY 500");
            for (int i = 0; i < n; i++) {
                Frame f = c.readSkippingHeartbeats(10_000);
                got.add(f.body());
                c.cmd("FIN " + f.id());
            }
            assertTrue(c.silentFor(300));
        }
        return got;
    }

    private static JsonNode stats(TestNsqd nsqd, String topic) throws Exception {
        return JSON.readTree(nsqd.get("/stats?format=json&topic=" + topic).body()).path("topics").path(0);
    }

    // ---- NSQ's on-disk layout -------------------------------------------------------------

    /**
     * Runs an nsqd with --mem-queue-size=0, publishes d0..d9 to disk:c and stops it cleanly, leaving
     * everything in the data path; returns the channel's /stats entry from before the stop.
     */
    private JsonNode tenMessagesOnDiskThenStop() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 0)) {
            assertEquals(200, nsqd.post("/topic/create?topic=disk", "").statusCode());
            assertEquals(200, nsqd.post("/channel/create?topic=disk&channel=c", "").statusCode());
            try (WireClient p = nsqd.connect()) {
                for (int i = 0; i < 10; i++) pub(p, "disk", "d" + i);
            }
            return stats(nsqd, "disk").path("channels").path(0);
        }
    }

    @Test
    void memQueueSizeZeroPutsAllOfTheDepthOnDisk() throws Exception {
        JsonNode ch = tenMessagesOnDiskThenStop();
        assertEquals(10, ch.path("depth").asInt());
        assertEquals(10, ch.path("backend_depth").asInt(), "with --mem-queue-size=0 all of the depth is on disk");
    }

    @Test
    void aChannelsDiskQueueFilesAreNamedAsNsqNamesThem() throws Exception {
        tenMessagesOnDiskThenStop();
        assertTrue(Files.exists(dir.resolve("disk:c.diskqueue.000000.dat")), "channel data file named <topic>:<channel>.diskqueue.%06d.dat");
    }

    @Test
    void diskQueueMetadataIsNsqsText() throws Exception {
        tenMessagesOnDiskThenStop();
        String meta = Files.readString(dir.resolve("disk:c.diskqueue.meta.dat"));
        assertTrue(meta.matches("10\n0,0\n0,\\d+\n"), "meta is depth, read file,pos, write file,pos: " + meta);
        assertEquals("0\n0,0\n0,0\n", Files.readString(dir.resolve("disk.diskqueue.meta.dat")));
    }

    @Test
    void diskQueueRecordsAreNsqsMessageLayoutInPublishOrder() throws Exception {
        tenMessagesOnDiskThenStop();
        List<String> bodies = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve("disk:c.diskqueue.000000.dat")))) {
            while (true) {
                int len;
                try {
                    len = in.readInt();
                } catch (EOFException e) {
                    break;
                }
                byte[] rec = in.readNBytes(len);
                assertEquals(len, rec.length);
                long ts = java.nio.ByteBuffer.wrap(rec).getLong();
                assertTrue(Math.abs(ts / 1_000_000_000L - System.currentTimeMillis() / 1000) < 600, "timestamp in ns");
                assertTrue(new String(rec, 10, 16).matches("[0-9a-f]{16}"), "16 hex id");
                bodies.add(new String(rec, 26, rec.length - 26));
            }
        }
        assertEquals(10, bodies.size());
        assertEquals("d0", bodies.get(0));
    }

    @Test
    void nsqdDatListsTopicsAndChannelsAsNsqDoes() throws Exception {
        tenMessagesOnDiskThenStop();
        JsonNode dat = JSON.readTree(dir.resolve("nsqd.dat").toFile());
        assertEquals("1.3.0", dat.path("version").asText());
        assertEquals(JSON.readTree("[{\"name\":\"disk\",\"paused\":false,\"channels\":[{\"name\":\"c\",\"paused\":false}]}]"),
                dat.path("topics"));
    }

    // ---- what a restart brings back ---------------------------------------------------------

    /**
     * The life before a restart: topic "keep" with channels c1 (a subscriber holding three messages
     * in flight, never finished) and c2 (paused), 20 messages and one deferred for an hour; topic
     * "lonely" with no channel and one message waiting. The nsqd stops with the subscriber still
     * connected, so in-flight and deferred messages go to disk too.
     */
    private void lifeBeforeRestart() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 5)) {
            WireClient sub = nsqd.connect();
            sub.cmd("SUB keep c1");
            assertEquals("OK", sub.read().text());
            assertEquals(200, nsqd.post("/channel/create?topic=keep&channel=c2", "").statusCode());
            assertEquals(200, nsqd.post("/topic/create?topic=lonely", "").statusCode());
            assertEquals(200, nsqd.post("/channel/pause?topic=keep&channel=c2", "").statusCode());
            try (WireClient p = nsqd.connect()) {
                for (int i = 0; i < 20; i++) pub(p, "keep", "k" + i);
                p.cmd("DPUB keep 3600000", "deferred");
                assertEquals("OK", p.read().text());
                pub(p, "lonely", "waiting");
            }
            sub.cmd("RDY 3");
            for (int i = 0; i < 3; i++) assertTrue(sub.read().isMessage());
        }
    }

    private TestNsqd restarted() throws Exception { return new TestNsqd(dir, o -> o.memQueueSize = 5); }

    @Test
    void aRestartRestoresTopicsAndChannels() throws Exception {
        lifeBeforeRestart();
        try (TestNsqd nsqd = restarted()) {
            JsonNode keep = stats(nsqd, "keep");
            assertEquals("c1", keep.path("channels").path(0).path("channel_name").asText());
            assertEquals("c2", keep.path("channels").path(1).path("channel_name").asText());
        }
    }

    @Test
    void aRestartKeepsAPausedChannelPaused() throws Exception {
        lifeBeforeRestart();
        try (TestNsqd nsqd = restarted()) {
            assertTrue(stats(nsqd, "keep").path("channels").path(1).path("paused").asBoolean(), "c2 stays paused");
        }
    }

    @Test
    void aRestartDeliversEveryUnfinishedMessageIncludingInFlightAndDeferredOnes() throws Exception {
        lifeBeforeRestart();
        try (TestNsqd nsqd = restarted()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> stats(nsqd, "keep").path("channels").path(0).path("depth").asInt() == 21);
            Set<String> c1 = consume(nsqd, "keep", "c1", 21);
            assertTrue(c1.contains("deferred") && c1.contains("k0") && c1.contains("k19"));
            assertEquals(200, nsqd.post("/channel/unpause?topic=keep&channel=c2", "").statusCode());
            assertEquals(21, consume(nsqd, "keep", "c2", 21).size());
        }
    }

    @Test
    void aRestartKeepsWhatWaitedAtATopicWithoutChannels() throws Exception {
        lifeBeforeRestart();
        try (TestNsqd nsqd = restarted()) {
            assertEquals(Set.of("waiting"), consume(nsqd, "lonely", "first", 1));
        }
    }

    @Test
    void emptyAndDeleteRemoveWhatIsOnDisk() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 2)) {
            assertEquals(200, nsqd.post("/topic/create?topic=gone", "").statusCode());
            assertEquals(200, nsqd.post("/channel/create?topic=gone&channel=c", "").statusCode());
            try (WireClient p = nsqd.connect()) {
                for (int i = 0; i < 10; i++) pub(p, "gone", "g" + i);
            }
            assertEquals(8, stats(nsqd, "gone").path("channels").path(0).path("backend_depth").asInt());
            assertEquals(200, nsqd.post("/channel/empty?topic=gone&channel=c", "").statusCode());
            JsonNode ch = stats(nsqd, "gone").path("channels").path(0);
            assertEquals(0, ch.path("depth").asInt());
            assertEquals(0, ch.path("backend_depth").asInt());
            assertEquals(200, nsqd.post("/topic/delete?topic=gone", "").statusCode());
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (var files = Files.list(dir)) {
                    return files.noneMatch(f -> f.getFileName().toString().startsWith("gone"));
                }
            });
        }
        assertFalse(Files.readString(dir.resolve("nsqd.dat")).contains("gone"));
    }

    @Test
    void fullDiskRefusesPublishClearlyAndNsqdCarriesOn() throws Exception {
        // a data file that is /dev/full: every write fails with ENOSPC, as on a full disk
        Files.createSymbolicLink(dir.resolve("full.diskqueue.000000.dat"), Path.of("/dev/full"));
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 0)) {
            try (WireClient p = nsqd.connect()) {
                p.cmd("PUB full", "x");
                Frame f = p.read();
                assertEquals(1, f.type());
                assertTrue(f.text().startsWith("E_PUB_FAILED PUB failed"), f.text());
                assertTrue(f.text().toLowerCase().contains("space"), f.text());
            }
            var ping = nsqd.get("/ping");
            assertEquals(500, ping.statusCode());
            assertTrue(ping.body().startsWith("NOK - "), ping.body());
            assertTrue(stats(nsqd, "full").isObject());
            var http = nsqd.post("/pub?topic=full", "y");
            assertEquals(500, http.statusCode());
            assertTrue(http.body().contains("INTERNAL_ERROR"), http.body());
            // another topic still works, and a good write clears the health again
            try (WireClient p = nsqd.connect()) {
                pub(p, "fine", "ok");
            }
            assertEquals(Set.of("ok"), consume(nsqd, "fine", "c", 1));
            await().atMost(Duration.ofSeconds(5)).until(() -> nsqd.get("/ping").statusCode() == 200);
        }
    }

    @Test
    void unwritableQueueFileRefusesPublishAndNsqdCarriesOn() throws Exception {
        Files.createDirectories(dir.resolve("locked.diskqueue.000000.dat")); // a directory where the file must go
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 0)) {
            try (WireClient p = nsqd.connect()) {
                p.cmd("PUB locked", "x");
                Frame f = p.read();
                assertTrue(f.text().startsWith("E_PUB_FAILED PUB failed"), f.text());
            }
            assertEquals("OK", nsqd.get("/info").statusCode() == 200 ? "OK" : "down");
        }
    }

    @Test
    void corruptDataFileIsSkippedWithoutACrashLoop() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 0)) {
            try (WireClient p = nsqd.connect()) {
                for (int i = 0; i < 5; i++) pub(p, "bad", "b" + i);
            }
        }
        // overwrite the first record's length with garbage
        Path data = dir.resolve("bad.diskqueue.000000.dat");
        byte[] bytes = Files.readAllBytes(data);
        bytes[0] = 0x7f;
        Files.write(data, bytes);
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 0)) {
            try (WireClient p = nsqd.connect()) {
                pub(p, "bad", "after");
            }
            assertTrue(consume(nsqd, "bad", "c", 1).contains("after"));
            assertTrue(Files.exists(dir.resolve("bad.diskqueue.000000.dat.bad")), "corrupt file kept aside as .bad");
        }
    }

    @Test
    void diskQueueRollsFilesAtMaxBytesPerFileAndDeletesThemOnceRead() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> {
            o.memQueueSize = 0;
            o.maxBytesPerFile = 1024;
        })) {
            try (WireClient p = nsqd.connect()) {
                for (int i = 0; i < 50; i++) pub(p, "roll", "r" + i + "-" + "x".repeat(100));
            }
            try (var files = Files.list(dir)) {
                long n = files.filter(f -> f.getFileName().toString().matches("roll\\.diskqueue\\.\\d{6}\\.dat")).count();
                assertTrue(n >= 5, "50 x ~140 bytes over 1 KiB files: " + n + " files");
            }
            assertEquals(50, consume(nsqd, "roll", "c", 50).size());
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (var files = Files.list(dir)) {
                    return files.filter(f -> f.getFileName().toString().matches("roll\\.diskqueue\\.\\d{6}\\.dat")).count() <= 1;
                }
            });
        }
    }
}
