package dev.nsq.it.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The README's first command, {@code bin/nsq-local}, run as a user runs it (its build step skipped:
 * Maven has just built everything): every daemon it starts answers {@code /ping}, nsqd registers
 * with lookupd, and Ctrl-C (SIGTERM) stops them all. It listens on NSQ's own ports (4150/4151,
 * 4250/4251, 4160/4161, 4171) and Hazelcast's 5701-5703, so nothing else may hold them.
 */
class LocalClusterScriptTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    @TempDir Path data;

    @Test
    void readmeFirstCommandStartsAClusterThatAnswersPingOnEveryDaemon() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        Path log = data.resolve("nsq-local.log");
        ProcessBuilder pb = new ProcessBuilder("bash", "bin/nsq-local").directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("NSQ_LOCAL_NO_BUILD", "1");
        pb.environment().put("NSQ_LOCAL_DATA", data.resolve("data").toString());
        Process script = pb.start();
        List<Integer> ports = Files.exists(root.resolve("bin/nsqadmin")) ? List.of(4161, 4151, 4251, 4171) : List.of(4161, 4151, 4251);
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                assertTrue(script.isAlive(), () -> "bin/nsq-local exited: " + read(log));
                return Files.exists(log) && read(log).contains("A local NSQ cluster is up");
            });
            for (int port : ports) assertEquals(200, ping(port), "/ping on " + port);
            assertEquals(200, post(4151, "/pub?topic=readme"));
            await().atMost(Duration.ofSeconds(20)).until(() -> get(4161, "/lookup?topic=readme").contains("\"tcp_port\":4150"));
            System.out.printf("LocalClusterScriptTest: bin/nsq-local answered /ping on %s%n", ports);
        } finally {
            script.destroy(); // SIGTERM, as Ctrl-C: the script stops every daemon it started
            boolean stopped = script.waitFor(60, TimeUnit.SECONDS);
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            assertTrue(stopped, "bin/nsq-local stops on SIGTERM");
        }
        for (int port : ports) assertEquals(-1, ping(port), "nothing left on " + port);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "";
        }
    }

    private static int ping(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int post(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).POST(HttpRequest.BodyPublishers.ofString("hi")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
