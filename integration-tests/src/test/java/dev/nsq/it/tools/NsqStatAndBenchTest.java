package dev.nsq.it.tools;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.Producer;
import dev.nsq.it.client.Local;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.tools.BenchReader;
import dev.nsq.tools.BenchWriter;
import dev.nsq.tools.NsqStat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nsq_stat and the bench tools end to end against a real nsqd. */
class NsqStatAndBenchTest {
    private static final Pattern SUMMARY = Pattern.compile(
            "duration: [0-9.]+(ms|s) - [0-9]+\\.[0-9]{3}mb/s - ([0-9]+\\.[0-9]{3})ops/s - [0-9]+\\.[0-9]{3}us/op");
    private static final Pattern SPLIT = Pattern.compile(
            "latency split: publish to nsqd p50 \\S+ - p99 \\S+; nsqd to receive p50 \\S+ - p99 \\S+");
    private static final Pattern LATENCY = Pattern.compile("latency: p50 \\S+ - p99 \\S+ - p99\\.9 \\S+ \\(([0-9]+) samples\\)");
    @TempDir
    Path data;
    Nsqd nsqd;

    @BeforeEach
    void start() throws Exception { nsqd = Local.nsqd(data); }

    @AfterEach
    void stop() throws Exception { Local.sync(nsqd.stop()); }

    @Test
    void nsqStatPrintsNsqsColumnsWithRatesAndDepths() throws Exception {
        String topic = Local.topic("stat");
        assertEquals(200, Local.post(nsqd.httpPort(), "/topic/create?topic=" + topic, ""));
        assertEquals(200, Local.post(nsqd.httpPort(), "/channel/create?topic=" + topic + "&channel=ch", ""));
        try (Producer p = new Producer(Local.tcp(nsqd), new ClientConfig())) {
            for (int i = 0; i < 7; i++) p.publish(topic, "m".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        }
        ToolRun run = new ToolRun("");
        assertEquals(0, run.run(NsqStat::run, "--topic=" + topic, "--channel=ch", "--nsqd-http-address=" + Local.http(nsqd),
                "--interval=100ms", "--count=2"), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(4, lines.size(), run.out());
        assertTrue(lines.get(0).contains("rate") && lines.get(0).contains("depth") && lines.get(0).contains("metadata"));
        assertEquals(List.of("ingress", "egress", "|", "total", "mem", "disk", "inflt", "def", "|", "req", "t-o", "msgs", "clients"),
                List.of(lines.get(1).trim().split("\\s+")));
        // no traffic between polls: rates 0; 7 messages waiting in memory
        assertEquals(List.of("0", "0", "|", "7", "7", "0", "0", "0", "|", "0", "0", "7", "0"), List.of(lines.get(2).trim().split("\\s+")));
    }

    @Test
    void nsqStatFailsLikeNsqWhenTheChannelIsUnknown() throws Exception {
        ToolRun run = new ToolRun("");
        assertEquals(1, run.run(NsqStat::run, "--topic=nope", "--channel=none", "--nsqd-http-address=" + Local.http(nsqd),
                "--interval=100ms", "--count=1"));
        assertEquals("ERROR: failed to find channel(none) in stats metadata for topic(nope)", run.err().trim());
    }

    @Test
    void benchWriterThenBenchReaderPrintNsqsSummaryAndLatency() throws Exception {
        String topic = benchTopic("bench");
        ToolRun reader = new ToolRun("");
        Future<Integer> r = startBenchReader(reader, topic, "2s");
        ToolRun writer = new ToolRun("");
        assertEquals(0, writer.run(BenchWriter::run, "--nsqd-tcp-address=" + Local.tcp(nsqd), "--topic=" + topic,
                "--runfor=1s", "--size=100", "--batch-size=50", "--connections=1"), writer.err());
        Matcher w = SUMMARY.matcher(writer.out().trim());
        assertTrue(w.matches(), writer.out());
        long written = Local.topicMessageCount(nsqd, topic);
        assertTrue(written > 0 && written % 50 == 0, "written " + written);

        assertEquals(0, r.get(30, TimeUnit.SECONDS), reader.err());
        List<String> lines = reader.out().lines().toList();
        assertEquals(3, lines.size(), reader.out());
        assertTrue(SUMMARY.matcher(lines.get(0)).matches(), lines.get(0));
        Matcher l = LATENCY.matcher(lines.get(1));
        assertTrue(l.matches(), lines.get(1));
        assertTrue(Long.parseLong(l.group(1)) > 0);
        assertTrue(SPLIT.matcher(lines.get(2)).matches(), lines.get(2));
    }

    @Test
    void pacedBenchWriterLeavesItsWarmupOutOfTheLatency() throws Exception {
        String topic = benchTopic("paced");
        ToolRun reader = new ToolRun("");
        Future<Integer> r = startBenchReader(reader, topic, "4s");
        ToolRun writer = new ToolRun("");
        assertEquals(0, writer.run(BenchWriter::run, "--nsqd-tcp-address=" + Local.tcp(nsqd), "--topic=" + topic,
                "--warmup=600ms", "--runfor=1s", "--rate=2000", "--size=100", "--batch-size=10", "--connections=1"), writer.err());
        Matcher w = SUMMARY.matcher(writer.out().trim());
        assertTrue(w.matches(), writer.out());
        // the summary covers the measured second only, held to about the asked rate
        double opsPerSecond = Double.parseDouble(writer.out().replaceAll("(?s).* - ([0-9.]+)ops/s.*", "$1"));
        assertTrue(opsPerSecond < 5000, writer.out()); // unpaced, one connection manages tens of thousands

        assertEquals(0, r.get(30, TimeUnit.SECONDS), reader.err());
        long published = Local.topicMessageCount(nsqd, topic);
        Matcher l = LATENCY.matcher(reader.out().lines().toList().get(1));
        assertTrue(l.matches(), reader.out());
        long measured = Long.parseLong(l.group(1));
        // whole batches were measured; the warm-up's messages (about 1,200) are not among the samples
        assertTrue(measured > 0 && measured % 10 == 0, reader.out());
        assertTrue(published - measured >= 600, "published " + published + ", measured " + measured);
    }

    /** A new topic with channel {@code ch}, as bench_writer and bench_reader expect. */
    private String benchTopic(String prefix) throws Exception {
        String topic = Local.topic(prefix);
        assertEquals(200, Local.post(nsqd.httpPort(), "/topic/create?topic=" + topic, ""));
        assertEquals(200, Local.post(nsqd.httpPort(), "/channel/create?topic=" + topic + "&channel=ch", ""));
        return topic;
    }

    private Future<Integer> startBenchReader(ToolRun reader, String topic, String runfor) {
        return reader.start(BenchReader::run, "--nsqd-tcp-address=" + Local.tcp(nsqd), "--topic=" + topic,
                "--channel=ch", "--runfor=" + runfor, "--size=100", "--connections=1");
    }
}
