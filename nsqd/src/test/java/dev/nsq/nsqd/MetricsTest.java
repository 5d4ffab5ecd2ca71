package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** End-to-end latency percentiles in /stats, and the statsd push, as NSQ reports them. */
class MetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    /** Publishes {@code n} messages and finishes them all on channel {@code ch}. */
    private static void publishAndFinish(TestNsqd n, String topic, int count) throws Exception {
        try (WireClient c = n.connect()) {
            c.cmd("SUB " + topic + " ch");
            assertEquals("OK", c.readSkippingHeartbeats(5000).text());
            c.cmd("RDY 100");
            for (int i = 0; i < count; i++) assertEquals(200, n.post("/pub?topic=" + topic, "m" + i).statusCode());
            for (int i = 0; i < count; i++) {
                WireClient.Frame f = c.readSkippingHeartbeats(5000);
                c.cmd("FIN " + f.id());
            }
            c.cmd("NOP");
            assertTrue(c.silentFor(200));
        }
    }

    @Test
    void e2eProcessingLatencyPercentilesAreReportedPerChannelAndMergedPerTopic() throws Exception {
        NsqdOptions parsed = NsqdOptions.fromArgs("--e2e-processing-latency-percentile=0.5,1.0", "--e2e-processing-latency-percentile=0.99");
        assertEquals(List.of(1.0, 0.99, 0.5), parsed.e2eProcessingLatencyPercentiles, "sorted high to low, as NSQ");
        assertThrows(dev.nsq.daemon.flags.FlagSet.FlagException.class, () -> NsqdOptions.fromArgs("--e2e-processing-latency-percentile=1.5"));
        try (TestNsqd n = new TestNsqd(dir, o -> o.e2eProcessingLatencyPercentiles = parsed.e2eProcessingLatencyPercentiles)) {
            publishAndFinish(n, "e2e", 20);
            JsonNode topic = JSON.readTree(n.get("/stats?format=json&topic=e2e").body()).path("topics").path(0);
            JsonNode ch = topic.path("channels").path(0).path("e2e_processing_latency");
            assertEquals(20, ch.path("count").asInt(), ch.toString());
            assertEquals(3, ch.path("percentiles").size());
            assertEquals(1.0, ch.path("percentiles").path(0).path("quantile").asDouble());
            assertEquals(0.5, ch.path("percentiles").path(2).path("quantile").asDouble());
            double max = ch.path("percentiles").path(0).path("value").asDouble();
            double median = ch.path("percentiles").path(2).path("value").asDouble();
            assertTrue(max > 0 && median > 0 && median <= max, ch.toString());
            assertTrue(max < 60e9, "nanoseconds, and well under a minute: " + max);
            assertEquals(20, topic.path("e2e_processing_latency").path("count").asInt(), "the topic merges its channels");
            String text = n.get("/stats?topic=e2e").body();
            assertTrue(text.matches("(?s).*\\[ch\\s*\\].*e2e%: [0-9.]+(ns|us|ms|s), [0-9.]+(ns|us|ms|s), [0-9.]+(ns|us|ms|s).*"), text);
        }
        try (TestNsqd off = new TestNsqd(dir.resolve("off"), o -> { })) {
            publishAndFinish(off, "plain", 1);
            JsonNode ch = JSON.readTree(off.get("/stats?format=json&topic=plain").body()).path("topics").path(0).path("channels").path(0);
            assertEquals("{\"count\":0,\"percentiles\":null}", ch.path("e2e_processing_latency").toString(), "off unless asked for, as NSQ");
        }
    }

    @Test
    void statsdGetsNsqsKeysCountersAsDeltasGaugesAsTheyStand() throws Exception {
        try (DatagramSocket statsd = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            statsd.setSoTimeout(200);
            try (TestNsqd n = new TestNsqd(dir, o -> {
                o.statsdAddress = "127.0.0.1:" + statsd.getLocalPort();
                o.statsdIntervalMs = 300;
                o.statsdUdpPacketSize = 200;
            })) {
                publishAndFinish(n, "sd", 3);
                String prefix = "nsq.127_0_0_1_" + n.httpPort() + ".";
                String count = prefix + "topic.sd.message_count:";
                List<String> lines = new ArrayList<>();
                long sum = 0;
                boolean quietPushAfter = false;
                long deadline = System.currentTimeMillis() + 10_000;
                // counters are deltas: they add up to the 3 messages, and a later push says 0
                while (System.currentTimeMillis() < deadline && !(sum == 3 && quietPushAfter)) {
                    byte[] buf = new byte[2048];
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        statsd.receive(p);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    assertTrue(p.getLength() <= 200, "packets stay within --statsd-udp-packet-size");
                    for (String l : new String(buf, 0, p.getLength(), StandardCharsets.UTF_8).split("\n")) {
                        lines.add(l);
                        if (!l.startsWith(count)) continue;
                        long delta = Long.parseLong(l.substring(count.length(), l.length() - 2));
                        if (sum == 3 && delta == 0) quietPushAfter = true;
                        sum += delta;
                    }
                }
                assertEquals(3, sum, "message_count deltas add up to what was published");
                assertTrue(quietPushAfter, "a push after the traffic sends a zero delta");
                for (String key : List.of("topic.sd.channel.ch.message_count:", "topic.sd.channel.ch.depth:0|g",
                        "topic.sd.channel.ch.in_flight_count:", "topic.sd.backend_depth:0|g", "mem.heap_in_use_bytes:")) {
                    assertTrue(lines.stream().anyMatch(l -> l.startsWith(prefix + key)), "a line for " + key);
                }
            }
        }
        assertEquals("nsq.10_0_0_1_4151.", StatsdLoop.prefix("nsq.%s", "10.0.0.1", 4151));
        assertEquals("app.", StatsdLoop.prefix("app", "h", 1), "a trailing dot is added");
    }

    @Test
    void prometheusMetricsShowTopicsChannelsAndTheJvm() throws Exception {
        try (TestNsqd n = new TestNsqd(dir, o -> o.e2eProcessingLatencyPercentiles = List.of(0.99))) {
            publishAndFinish(n, "prom", 2);
            assertEquals(200, n.post("/pub?topic=prom", "waiting").statusCode());
            var r = n.get("/metrics");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            String m = r.body();
            for (String re : List.of(
                    "nsq_topic_depth\\{topic=\"prom\"\\} 0(\\.0)?",
                    "nsq_topic_message_count\\{topic=\"prom\"\\} 3(\\.0)?",
                    "nsq_topic_channel_message_count\\{channel=\"ch\",topic=\"prom\"\\} 3(\\.0)?",
                    "nsq_topic_channel_depth\\{channel=\"ch\",topic=\"prom\"\\} 1(\\.0)?",
                    "nsq_topic_channel_in_flight_count\\{channel=\"ch\",topic=\"prom\"\\} 0(\\.0)?",
                    "nsq_topic_channel_clients\\{channel=\"ch\",topic=\"prom\"\\} 0(\\.0)?",
                    "nsq_topic_channel_e2e_processing_latency_99\\{channel=\"ch\",topic=\"prom\"\\} [0-9.eE+]+",
                    "# TYPE nsq_topic_message_count untyped",
                    "nsq_mem_heap_in_use_bytes [0-9.eE+]+",
                    "nsq_healthy 1(\\.0)?",
                    "jvm_memory_used_bytes\\{area=\"heap\"\\} [0-9.eE+]+")) {
                assertTrue(m.lines().anyMatch(l -> l.matches(re)), "a line matching " + re);
            }
        }
    }
}
