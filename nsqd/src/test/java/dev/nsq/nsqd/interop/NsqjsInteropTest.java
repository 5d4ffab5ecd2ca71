package dev.nsq.nsqd.interop;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs src/test/js/interop.js, which drives the unmodified nsqjs 0.13.0 Writer (PUB/MPUB)
 * and Reader against our nsqd, and checks the JSON summary it prints.
 */
class NsqjsInteropTest {
    private static final int COUNT = 10_000;

    @TempDir
    Path tmp;

    private InteropNsqd nsqd;

    @BeforeEach
    void startServer() throws Exception {
        nsqd = InteropNsqd.start(Files.createDirectories(tmp.resolve("data")));
    }

    @AfterEach
    void stopServer() throws Exception {
        if (nsqd != null) nsqd.close();
    }

    @Test
    void nsqjsPublishesAndConsumesTenThousandMessages() throws Exception {
        NodeInterop node = new NodeInterop(tmp);
        String topic = "nsqjs_interop_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        NodeInterop.Result r = node.interop(150,
                "--nsqd-tcp", nsqd.tcpAddress(), "--topic", topic, "--channel", "interop",
                "--count", Integer.toString(COUNT), "--timeout", "120");
        System.out.println("nsqjs interop stdout: " + r.stdout().strip());

        assertEquals(0, r.exitCode(), "interop.js failed\n" + r);
        JsonNode summary = r.summary();
        assertEquals(COUNT, summary.path("published").asInt(), "published\n" + r);
        assertEquals(COUNT, summary.path("unique").asInt(), "unique\n" + r);
        assertEquals(0, summary.path("missing").asInt(), "missing\n" + r);
        assertTrue(summary.path("received").asInt() >= COUNT, "received\n" + r);

        // Server side: nsqjs's FINs were all applied (nothing left queued or in flight).
        await("channel drained in nsqd /stats").atMost(Duration.ofSeconds(30))
                .until(() -> nsqd.channelDrained(topic, "interop", COUNT));
    }
}
