package dev.nsq.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.client.ClientConfig;
import dev.nsq.client.Consumer;
import dev.nsq.daemon.flags.FlagSet;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code nsq_to_file}: archives topics to files, one {@link FileLogger} and one consumer per topic.
 * Topics are given with {@code --topic} or matched by {@code --topic-pattern} against nsqlookupd's
 * {@code /topics}, re-read every {@code --topic-refresh}. On a signal: consumers stop (CLS), what
 * is still waiting is synced and finished, files are closed and moved to the output dir.
 */
public final class NsqToFile {
    private static final Logger log = LoggerFactory.getLogger(NsqToFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private NsqToFile() {}

    public static void main(String[] args) { ToolMain.exec(NsqToFile::run, args); }

    public static int run(ToolMain io, String[] args) throws Exception {
        List<String> topics = new ArrayList<>();
        String[] s = {"", "nsq_to_file", "/tmp", "", "%Y-%m-%d_%H", "<TOPIC>.<HOST><REV>.<DATETIME>.log", ""};
        // s: topic-pattern, channel, output-dir, work-dir, datetime-format, filename-format, host-identifier
        long[] n = {60_000, 200, 6, 0, 0, 30_000, 2_000, 5_000};
        // n: topic-refresh, max-in-flight, gzip-level, rotate-size, rotate-interval, sync-interval, connect, request timeouts
        boolean[] b = {false, false, false};
        // b: gzip, skip-empty-files, help
        List<String> nsqds = new ArrayList<>();
        List<String> lookupds = new ArrayList<>();
        List<String> opts = new ArrayList<>();
        FlagSet f = new FlagSet("nsq_to_file")
                .list("topic", "nsq topic (may be given multiple times)", topics::add)
                .string("topic-pattern", "", "only log topics matching the following pattern", v -> s[0] = v)
                .duration("topic-refresh", 60_000, "how frequently the topic list should be refreshed", v -> n[0] = v)
                .string("channel", "nsq_to_file", "nsq channel", v -> s[1] = v)
                .integer("max-in-flight", 200, "max number of messages to allow in flight", v -> n[1] = v)
                .string("output-dir", "/tmp", "directory to write output files to", v -> s[2] = v)
                .string("work-dir", "", "directory for in-progress files before moving to output-dir", v -> s[3] = v)
                .string("datetime-format", "%Y-%m-%d_%H", "strftime compatible format for <DATETIME> in filename format", v -> s[4] = v)
                .string("filename-format", "<TOPIC>.<HOST><REV>.<DATETIME>.log", "output filename format (<TOPIC>, <HOST>, <REV>, <DATETIME> are replaced. <REV> is increased when file already exists)", v -> s[5] = v)
                .string("host-identifier", "", "value to output in log filename in place of hostname. <SHORT_HOST> and <HOSTNAME> are valid replacement tokens", v -> s[6] = v)
                .bool("gzip", false, "gzip output files.", v -> b[0] = v)
                .integer("gzip-level", 6, "gzip compression level (1-9, 1=BestSpeed, 9=BestCompression)", v -> n[2] = v)
                .bool("skip-empty-files", false, "skip writing empty files", v -> b[1] = v)
                .integer("rotate-size", 0, "rotate the file when it grows bigger than `rotate-size` bytes", v -> n[3] = v)
                .duration("rotate-interval", 0, "rotate the file every duration", v -> n[4] = v)
                .duration("sync-interval", 30_000, "sync file to disk every duration", v -> n[5] = v)
                .duration("http-client-connect-timeout", 2_000, "timeout for HTTP connect", v -> n[6] = v)
                .duration("http-client-request-timeout", 5_000, "timeout for HTTP request", v -> n[7] = v)
                .list("nsqd-tcp-address", "nsqd TCP address (may be given multiple times)", nsqds::add)
                .list("lookupd-http-address", "lookupd HTTP address (may be given multiple times)", lookupds::add)
                .list("consumer-opt", "option to passthrough to nsq.Consumer (may be given multiple times)", opts::add)
                .string("log-level", "info", "set log verbosity: debug, info, warn, error, or fatal", v -> {})
                .string("log-prefix", "[nsq_to_file] ", "log message prefix", v -> {})
                .bool("help", false, "print usage", v -> b[2] = v);
        boolean[] help = {false};
        if (!io.parse(f, help, args)) return 1;
        if (b[2]) { io.err.print(f.usage()); return 0; }
        if (s[1].isEmpty()) { io.err.println("--channel is required"); return 1; }
        if (nsqds.isEmpty() && lookupds.isEmpty()) { io.err.println("--nsqd-tcp-address or --lookupd-http-address required"); return 1; }
        if (!nsqds.isEmpty() && !lookupds.isEmpty()) { io.err.println("use --nsqd-tcp-address or --lookupd-http-address not both"); return 1; }
        if (topics.isEmpty() && s[0].isEmpty()) { io.err.println("--topic or --topic-pattern required"); return 1; }
        if (!s[0].isEmpty() && lookupds.isEmpty()) { io.err.println("--topic-pattern needs --lookupd-http-address"); return 1; }
        if (n[2] < 1 || n[2] > 9) { io.err.println("invalid --gzip-level"); return 1; }
        String filenameFormat = s[5];
        if (b[0] && !filenameFormat.endsWith(".gz")) filenameFormat += ".gz";
        String shortHost = InetAddress.getLocalHost().getHostName().split("\\.")[0];
        String host = s[6].isEmpty() ? shortHost
                : s[6].replace("<SHORT_HOST>", shortHost).replace("<HOSTNAME>", InetAddress.getLocalHost().getCanonicalHostName());
        Path out = Path.of(s[2]);
        FileLogger.Options options = new FileLogger.Options(out, s[3].isEmpty() ? out : Path.of(s[3]), s[4], filenameFormat,
                host, b[0], (int) n[2], b[1], n[3], n[4], (int) n[1]);
        ClientConfig cfg = new ClientConfig();
        cfg.maxInFlight = (int) n[1];
        ToolMain.applyOpts(cfg, opts);

        Vertx vertx = ToolMain.vertx();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Map<String, Consumer> consumers = new LinkedHashMap<>();
        Map<String, FileLogger> loggers = new LinkedHashMap<>();
        Runnable discover = () -> {
            List<String> want = new ArrayList<>(topics);
            if (!s[0].isEmpty()) want.addAll(matchingTopics(lookupds, Pattern.compile(s[0]), n[6], n[7]));
            synchronized (consumers) {
                for (String t : want) {
                    if (consumers.containsKey(t) || io.interrupt.isDone()) continue;
                    FileLogger fl = new FileLogger(t, options);
                    Consumer c = new Consumer(vertx, t, s[1], cfg).handler(m -> {
                        m.disableAutoResponse();
                        try {
                            fl.write(m);
                        } catch (Exception e) {
                            log.error("[{}] failed to write message - {}", t, e.toString());
                            m.requeue(0);
                        }
                    });
                    loggers.put(t, fl);
                    consumers.put(t, c);
                    for (String a : nsqds) c.connectToNsqd(a);
                    for (String a : lookupds) c.connectToLookupd(a);
                }
            }
        };
        discover.run();
        if (!s[0].isEmpty()) timer.scheduleWithFixedDelay(discover, n[0], n[0], TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> tickAll(loggers, consumers), n[5], n[5], TimeUnit.MILLISECONDS);
        try {
            io.interrupt.join();
        } finally {
            List<CompletableFuture<Void>> stops = new ArrayList<>();
            synchronized (consumers) {
                for (Consumer c : consumers.values()) stops.add(c.stop());
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new));
            // stopping waits for in-flight messages, which we finish only after a sync
            while (!all.isDone()) {
                tickAll(loggers, consumers);
                try {
                    all.get(100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // keep syncing
                }
            }
            timer.shutdownNow();
            synchronized (consumers) {
                for (FileLogger fl : loggers.values()) fl.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        return 0;
    }

    private static void tickAll(Map<String, FileLogger> loggers, Map<String, Consumer> consumers) {
        synchronized (consumers) {
            for (Map.Entry<String, FileLogger> e : loggers.entrySet()) {
                try {
                    e.getValue().tick();
                } catch (Exception ex) {
                    log.error("[{}] failed to sync - {}", e.getKey(), ex.toString());
                }
            }
        }
    }

    /** Topics known to any lookupd that match the pattern. */
    private static List<String> matchingTopics(List<String> lookupds, Pattern p, long connectMs, long requestMs) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(connectMs)).build();
        List<String> out = new ArrayList<>();
        for (String l : lookupds) {
            String base = l.startsWith("http://") ? l : "http://" + l;
            try {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/topics")).timeout(Duration.ofMillis(requestMs))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                JsonNode root = JSON.readTree(r.body());
                for (JsonNode t : root.path("topics")) if (p.matcher(t.asText()).find() && !out.contains(t.asText())) out.add(t.asText());
            } catch (Exception e) {
                log.warn("failed to query nsqlookupd {} - {}", l, e.toString());
            }
        }
        return out;
    }
}
