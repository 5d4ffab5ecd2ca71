package dev.nsq.nsqd.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nsqd as its own JVM process, started the way bin/nsqd starts it, so tests can SIGTERM or
 * kill -9 it. Ports are 0 and read back from its log lines.
 */
public final class NsqdProcess implements AutoCloseable {
    private static final Pattern TCP = Pattern.compile("TCP: listening on (\\d+)");
    private static final Pattern HTTP = Pattern.compile("HTTP: listening on (\\d+)");
    /** The memory settings bin/nsqd starts nsqd with when JAVA_OPTS sets none. */
    public static final List<String> BIN_NSQD_MEMORY = List.of("-Xmx192m", "-Xmn64m", "-XX:MaxDirectMemorySize=8g");
    private static final java.net.http.HttpClient HTTP_CLIENT = java.net.http.HttpClient.newHttpClient();
    private final Process process;
    private final Path log;
    public final int tcpPort;
    public final int httpPort;

    public NsqdProcess(Path dataPath, Path logFile, String... flags) throws Exception {
        this(dataPath, logFile, List.of("-Xmx512m"), flags);
    }

    /** With these JVM options instead of a 512 MiB heap (bin/nsqd's are {@link #BIN_NSQD_MEMORY}). */
    public NsqdProcess(Path dataPath, Path logFile, List<String> jvmOptions, String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "dev.nsq.nsqd.Main", "--tcp-address=127.0.0.1:0", "--http-address=127.0.0.1:0",
                "--data-path=" + dataPath, "--broadcast-address=127.0.0.1"));
        cmd.addAll(List.of(flags));
        this.log = logFile;
        long skip = Files.exists(logFile) ? Files.size(logFile) : 0; // earlier runs' lines are not ours
        this.process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        long deadline = System.currentTimeMillis() + 60_000;
        int tcp = -1, http = -1;
        while ((tcp < 0 || http < 0) && System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("nsqd exited: " + Files.readString(logFile));
            String text = Files.readString(logFile).substring((int) skip);
            tcp = last(TCP, text);
            http = last(HTTP, text);
            if (tcp < 0 || http < 0) process.waitFor(50, TimeUnit.MILLISECONDS);
        }
        if (tcp < 0 || http < 0) throw new IllegalStateException("nsqd did not start: " + Files.readString(logFile));
        this.tcpPort = tcp;
        this.httpPort = http;
    }

    /** The port from the last matching line. */
    private static int last(Pattern p, String text) {
        Matcher m = p.matcher(text);
        int v = -1;
        while (m.find()) v = Integer.parseInt(m.group(1));
        return v;
    }

    private static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    /** SIGTERM, as an init system stops nsqd; returns the exit code. */
    public int terminate() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException("nsqd did not stop on SIGTERM");
        return process.exitValue();
    }

    /** kill -9: no shutdown hook, nothing flushed. */
    public void kill() throws Exception {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public String log() throws IOException { return Files.readString(log); }

    /** POSTs to its HTTP API with an empty body and expects 200. */
    public void post(String pathAndQuery) throws Exception {
        java.net.http.HttpResponse<String> r = HTTP_CLIENT.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + httpPort + pathAndQuery))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new AssertionError(pathAndQuery + " -> " + r.statusCode() + " " + r.body());
    }

    /** GETs from its HTTP API and returns the body (expects 200). */
    public String get(String pathAndQuery) throws Exception {
        java.net.http.HttpResponse<String> r = HTTP_CLIENT.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + httpPort + pathAndQuery)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new AssertionError(pathAndQuery + " -> " + r.statusCode() + " " + r.body());
        return r.body();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) kill();
    }
}
