package dev.nsq.nsqd.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
        // The interop check is part of the suite: a machine without node fails it rather than skipping it.
        assertTrue(commandWorks("node", "--version"), "node is not installed (the README lists it as a requirement)");
        Path jsDir = jsDir();
        ensureNodeModules(jsDir);

        String topic = "nsqjs_interop_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Result r = run(jsDir, 150, "node", "interop.js",
                "--nsqd-tcp", nsqd.tcpAddress(), "--topic", topic, "--channel", "interop",
                "--count", Integer.toString(COUNT), "--timeout", "120");
        System.out.println("nsqjs interop stdout: " + r.stdout.strip());

        assertEquals(0, r.exitCode, "interop.js failed\n" + r);
        String[] lines = r.stdout.strip().split("\n");
        JsonNode summary = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals(COUNT, summary.path("published").asInt(), "published\n" + r);
        assertEquals(COUNT, summary.path("unique").asInt(), "unique\n" + r);
        assertEquals(0, summary.path("missing").asInt(), "missing\n" + r);
        assertTrue(summary.path("received").asInt() >= COUNT, "received\n" + r);

        // Server side: nsqjs's FINs were all applied (nothing left queued or in flight).
        await("channel drained in nsqd /stats").atMost(Duration.ofSeconds(30))
                .until(() -> nsqd.channelDrained(topic, "interop", COUNT));
    }

    /** Surefire sets basedir (and runs in it); fall back to user.dir for IDE runs. */
    private static Path jsDir() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        Path dir = base.resolve("src/test/js");
        assertTrue(Files.isRegularFile(dir.resolve("interop.js")), "interop.js not found under " + dir);
        return dir;
    }

    /** npm ci installs exactly what package-lock.json pins (nsqjs 0.13.0). */
    private void ensureNodeModules(Path jsDir) throws Exception {
        if (Files.isDirectory(jsDir.resolve("node_modules/nsqjs"))) return;
        Result r = run(jsDir, 600, "npm", "ci", "--no-audit", "--no-fund");
        assertEquals(0, r.exitCode, "npm ci failed\n" + r);
        assertTrue(Files.isDirectory(jsDir.resolve("node_modules/nsqjs")), "npm ci did not install nsqjs");
    }

    private boolean commandWorks(String... cmd) {
        try {
            return run(tmp, 30, cmd).exitCode == 0;
        } catch (IOException e) {
            return false; // not on PATH
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit=" + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /** Output goes to files, not pipes, so a chatty child can never block on a full pipe. */
    private Result run(Path dir, long timeoutSecs, String... cmd) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".log");
        Path err = Files.createTempFile(tmp, "err", ".log");
        Process p = new ProcessBuilder(List.of(cmd)).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean done = p.waitFor(timeoutSecs, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Result r = new Result(done ? p.exitValue() : -1,
                Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        if (!done) fail(String.join(" ", cmd) + " timed out after " + timeoutSecs + "s\n" + r);
        return r;
    }
}
