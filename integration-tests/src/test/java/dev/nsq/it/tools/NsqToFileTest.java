package dev.nsq.it.tools;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.Producer;
import dev.nsq.it.client.Local;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.tools.NsqToFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nsq_to_file end to end: lines in files, FIN only after sync, rotation by size, gzip, work dir. */
class NsqToFileTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    @TempDir
    Path data;
    @TempDir
    Path outDir;
    Nsqd nsqd;

    @BeforeEach
    void start() throws Exception { nsqd = Local.nsqd(data); }

    @AfterEach
    void stop() throws Exception { Local.sync(nsqd.stop()); }

    private void publish(String topic, int n) throws Exception {
        try (Producer p = new Producer(Local.tcp(nsqd), new ClientConfig())) {
            for (int i = 0; i < n; i++) p.publish(topic, ("line" + i).getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        }
    }

    private List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static String read(Path p) throws Exception {
        try (InputStream in = p.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(p)) : Files.newInputStream(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private long inFlight(String topic) throws Exception {
        return Local.channelStats(nsqd, topic, "nsq_to_file").path("in_flight_count").asLong();
    }

    @Test
    void messagesAreWrittenAsLinesAndFinishedOnlyOnceSynced() throws Exception {
        String topic = Local.topic("tofile");
        publish(topic, 5);
        ToolRun run = new ToolRun("");
        Future<Integer> tool = run.start(NsqToFile::run, "--topic=" + topic, "--nsqd-tcp-address=" + Local.tcp(nsqd),
                "--output-dir=" + outDir, "--sync-interval=1h", "--host-identifier=testhost");
        // no sync yet: the five messages wait in flight, written but not finished
        await().atMost(WAIT).until(() -> inFlight(topic) == 5);
        run.interrupt.complete(null);
        assertEquals(0, tool.get(30, TimeUnit.SECONDS), run.err());
        List<Path> files = files(outDir);
        assertEquals(1, files.size());
        assertTrue(files.get(0).getFileName().toString().startsWith(topic + ".testhost."), files.toString());
        assertEquals("line0\nline1\nline2\nline3\nline4\n", read(files.get(0)));
        assertEquals(0, inFlight(topic));
        assertEquals(0, Local.channelStats(nsqd, topic, "nsq_to_file").path("depth").asLong());
    }

    @Test
    void sizeRotationOpensNewRevisionsAndGzipFilesMoveFromTheWorkDir() throws Exception {
        String topic = Local.topic("rot");
        publish(topic, 6);
        Path work = Files.createDirectories(data.resolve("work"));
        ToolRun run = new ToolRun("");
        Future<Integer> tool = run.start(NsqToFile::run, "--topic=" + topic, "--nsqd-tcp-address=" + Local.tcp(nsqd),
                "--output-dir=" + outDir, "--work-dir=" + work, "--sync-interval=50ms", "--rotate-size=12", "--gzip",
                "--host-identifier=h", "--max-in-flight=1");
        // 6-byte lines, rotation at 12 bytes: three files, each moved out of the work dir when closed
        await().atMost(WAIT).until(() -> files(outDir).size() == 3);
        run.interrupt.complete(null);
        assertEquals(0, tool.get(30, TimeUnit.SECONDS), run.err());
        assertEquals(List.of(), files(work));
        List<String> names = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (Path p : files(outDir)) {
            names.add(p.getFileName().toString());
            all.append(read(p));
        }
        assertTrue(names.stream().allMatch(n -> n.endsWith(".log.gz")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith(topic + ".h-2.")), names.toString());
        // "-1" sorts before "." in names, so compare the lines regardless of file order
        assertEquals(List.of("line0", "line1", "line2", "line3", "line4", "line5"), all.toString().lines().sorted().toList());
    }
}
