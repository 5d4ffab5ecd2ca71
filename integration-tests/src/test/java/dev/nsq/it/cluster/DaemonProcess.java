package dev.nsq.it.cluster;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One daemon as its own JVM process, as compose or an init system runs it: started with its
 * {@code Main} and NSQ's flags, ready once its {@code /ping} answers, and stopped with SIGTERM or
 * kill -9. {@link #start()} again runs it anew with the same flags (same ports, same data).
 */
final class DaemonProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    final String name;
    final String host;
    final int httpPort;
    private final String mainClass;
    private final List<String> flags;
    private final Path log;
    private Process process;
    /** A cgroup v2 directory the JVM is started in (for per-process packet filters), or null. */
    private Path cgroup;

    DaemonProcess(String name, String mainClass, int httpPort, Path log, List<String> flags) {
        this(name, mainClass, "127.0.0.1", httpPort, log, flags);
    }

    /** A daemon whose HTTP API listens on {@code host} (another loopback address than 127.0.0.1). */
    DaemonProcess(String name, String mainClass, String host, int httpPort, Path log, List<String> flags) {
        this.name = name;
        this.host = host;
        this.mainClass = mainClass;
        this.httpPort = httpPort;
        this.log = log;
        this.flags = List.copyOf(flags);
    }

    DaemonProcess start() throws Exception {
        return launch().awaitReady();
    }

    /** Starts the JVM without waiting (several daemons then start side by side). */
    DaemonProcess launch() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-Xmx384m", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(flags);
        if (cgroup != null) {
            // the shell joins the cgroup and execs the JVM (same pid), so every socket the JVM opens belongs to it
            List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c",
                    "echo $$ > \"$0\"/cgroup.procs && exec \"$@\"", cgroup.toString()));
            wrapped.addAll(cmd);
            cmd = wrapped;
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    /** Waits until {@code /ping} answers (or fails if the process died). */
    DaemonProcess awaitReady() throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (!pingOk()) {
            if (!process.isAlive()) throw new IllegalStateException(name + " exited (" + firstLine() + "); see " + log);
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException(name + " did not answer /ping; see " + log);
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** The log's first line (a rejected flag, a bind error), for the failure message. */
    private String firstLine() {
        try (var lines = java.nio.file.Files.lines(log)) {
            return lines.findFirst().map(l -> l.length() > 200 ? l.substring(0, 200) : l).orElse("no output");
        } catch (Exception e) {
            return "no log";
        }
    }

    boolean pingOk() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + httpPort + "/ping"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** kill -9: no shutdown hook runs, nothing is flushed. */
    void kill() throws Exception {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts (and restarts) the JVM inside this cgroup v2 directory; see {@link Partition}. */
    DaemonProcess inCgroup(Path dir) {
        this.cgroup = dir;
        return this;
    }

    long pid() { return process.pid(); }

    boolean isAlive() { return process != null && process.isAlive(); }

    /** kill -STOP: the JVM freezes (no heartbeat, no reply) with every socket left open. */
    void suspend() throws Exception { signal("STOP"); }

    /** kill -CONT: the frozen JVM runs on from where it stopped. */
    void resume() throws Exception { signal("CONT"); }

    private void signal(String sig) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) throw new IllegalStateException("kill -" + sig + " " + name + " failed");
    }

    /** SIGTERM; returns the exit status. */
    int terminate() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException(name + " did not stop on SIGTERM");
        return process.exitValue();
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) kill(); // SIGKILL ends a stopped JVM too
    }
}
