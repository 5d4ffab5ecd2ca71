package dev.nsq.nsqlookupd;

import dev.nsq.nsqlookupd.support.LookupWire;
import dev.nsq.nsqlookupd.support.TestLookupd;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code GET /metrics} (ours; NSQ has none): producers, topics, channels, per-topic producers, the JVM. */
class LookupdMetricsTest {
    @Test
    void prometheusMetricsCountWhatLookupdKnows() throws Exception {
        try (TestLookupd l = new TestLookupd()) {
            LookupWire nsqd = l.producer("metrics-node", 4150, 4151);
            assertEquals("OK", nsqd.call("REGISTER mtopic mchan"));
            HttpResponse<String> r = l.get("/metrics");
            assertEquals(200, r.statusCode());
            String m = r.body();
            for (String re : List.of("nsqlookupd_producers\\{state=\"active\"\\} 1(\\.0)?", "nsqlookupd_topics 1(\\.0)?",
                    "nsqlookupd_channels 1(\\.0)?", "nsqlookupd_topic_producers\\{topic=\"mtopic\"\\} 1(\\.0)?",
                    "jvm_threads_current [0-9.eE+]+")) {
                assertTrue(m.lines().anyMatch(line -> line.matches(re)), "a line matching " + re);
            }
        }
    }
}
