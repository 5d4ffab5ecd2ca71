package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A subscriber that stops reading stops getting frames once its socket's output is full, whatever
 * its RDY: the rest stays queued for others instead of piling up in nsqd's memory. Once it reads
 * again, delivery resumes; its RDY and in-flight limits hold throughout.
 */
class SlowConsumerTest {
    private static final int MESSAGES = 2_000;
    private static final int BODY = 16 * 1024; // 32 MB in all: far more than the socket buffers hold

    @TempDir Path dir;

    @Test
    void aConsumerThatStopsReadingGetsNoFramesBeyondItsOutputBuffer() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> o.memQueueSize = 100_000);
             WireClient slow = nsqd.connect(); WireClient producer = nsqd.connect()) {
            // a fixed, modest window: the kernel may not grow it, and reading 16 KiB frames through
            // it stays quick (a tiny one makes every frame wait on delayed ACKs)
            slow.socket().setReceiveBufferSize(64 * 1024);
            slow.cmd("SUB slow ch");
            assertEquals("OK", slow.readSkippingHeartbeats(10_000).text());
            slow.cmd("RDY 2500");
            String body = "x".repeat(BODY);
            for (int i = 0; i < MESSAGES; i++) {
                producer.cmd("PUB slow", body);
                assertEquals("OK", producer.readSkippingHeartbeats(10_000).text());
            }
            JsonNode ch = channel(nsqd);
            long inFlight = ch.path("in_flight_count").asLong();
            System.out.printf("SlowConsumerTest: %d of %d messages in flight to a consumer with RDY 2500 that reads nothing; %d queued%n",
                    inFlight, MESSAGES, ch.path("depth").asLong());
            assertTrue(inFlight < MESSAGES / 2, "in flight: " + inFlight);
            assertEquals(MESSAGES, inFlight + ch.path("depth").asLong());

            // it reads again: everything arrives, within its RDY
            int got = 0;
            while (got < MESSAGES) {
                WireClient.Frame f = slow.readSkippingHeartbeats(30_000);
                assertTrue(f.isMessage());
                slow.cmd("FIN " + f.id());
                got++;
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> channel(nsqd).path("in_flight_count").asLong() == 0);
            assertEquals(0, channel(nsqd).path("depth").asLong());
        }
    }

    private static JsonNode channel(TestNsqd nsqd) throws Exception {
        return new ObjectMapper().readTree(nsqd.get("/stats?format=json&topic=slow").body())
                .path("topics").path(0).path("channels").path(0);
    }
}
