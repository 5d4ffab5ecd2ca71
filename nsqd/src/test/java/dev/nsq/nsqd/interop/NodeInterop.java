package dev.nsq.nsqd.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Runs src/test/js/interop.js (the unmodified nsqjs 0.13.0) and reads the JSON summary it prints. */
final class NodeInterop {
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit=" + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }

        JsonNode summary() throws IOException {
            String[] lines = stdout.strip().split("\n");
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        }
    }

    private final Path tmp;
    private final Path jsDir;

    /** Checks node is there (a machine without it fails the suite) and nsqjs is installed. */
    NodeInterop(Path tmp) throws Exception {
        this.tmp = tmp;
        assertTrue(commandWorks("node", "--version"), "node is not installed (the README lists it as a requirement)");
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        jsDir = base.resolve("src/test/js");
        assertTrue(Files.isRegularFile(jsDir.resolve("interop.js")), "interop.js not found under " + jsDir);
        ensureNodeModules();
    }

    /** node interop.js with the given arguments (--name value pairs). */
    Result interop(long timeoutSecs, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("node", "interop.js"));
        cmd.addAll(List.of(args));
        return run(jsDir, timeoutSecs, cmd.toArray(new String[0]));
    }

    /** npm ci installs exactly what package-lock.json pins (nsqjs 0.13.0). */
    private void ensureNodeModules() throws Exception {
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
