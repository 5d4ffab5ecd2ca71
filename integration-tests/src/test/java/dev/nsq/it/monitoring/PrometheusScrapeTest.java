package dev.nsq.it.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A real Prometheus (Debian's package, /usr/bin/prometheus; .ci/run installs it) runs the project's
 * monitoring/prometheus/prometheus.yml, only its target lists pointed at a local nsqd and nsqlookupd,
 * and answers PromQL over its HTTP API: the depth of a topic this test filled, the lookupd's view of
 * it, and every query of the provisioned Grafana dashboard; Chromium shows the topic in Prometheus' page
 * (target/screenshots/prometheus-topic-depth.png).
 */
class PrometheusScrapeTest {
    static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    @Test
    void prometheusWithTheProjectsConfigScrapesNsqdAndLookupdAndAnswersTopicDepth() throws Exception {
        if (!Files.isExecutable(PROMETHEUS)) {
            throw new AssertionError("Prometheus is required for this test but " + PROMETHEUS
                    + " is missing: run 'apt-get update && apt-get install -y prometheus'");
        }
        int filled = 37;
        try (ScrapedNodes nodes = new ScrapedNodes(dir.resolve("nsqd"), filled)) {
            Path config = dir.resolve("prometheus");
            Files.createDirectories(config.resolve("targets"));
            Files.copy(Dashboard.ROOT.resolve("monitoring/prometheus/prometheus.yml"), config.resolve("prometheus.yml"));
            Files.writeString(config.resolve("targets/nsqd.yml"), "- targets: ['127.0.0.1:" + nodes.nsqd.httpPort() + "']\n");
            Files.writeString(config.resolve("targets/nsqlookupd.yml"), "- targets: ['127.0.0.1:" + nodes.lookupd.httpPort() + "']\n");
            int port;
            try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
            File log = dir.resolve("prometheus.log").toFile();
            Process prometheus = new ProcessBuilder(PROMETHEUS.toString(),
                    "--config.file=" + config.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(log).start();
            try {
                String api = "http://127.0.0.1:" + port;
                String depth = "nsq_topic_depth{job=\"nsqd\",topic=\"" + nodes.waitingTopic + "\"}";
                String producers = "nsqlookupd_topic_producers{job=\"nsqlookupd\",topic=\"" + nodes.waitingTopic + "\"}";
                // each target is scraped at its own offset within the interval: wait for both
                await().atMost(60, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS)
                        .until(() -> prometheus.isAlive() && value(api, depth).equals(String.valueOf(filled))
                                && value(api, producers).equals("1"));
                assertEquals("1", value(api, "up{job=\"nsqd\"}"), "nsqd scraped");
                assertEquals("1", value(api, "up{job=\"nsqlookupd\"}"), "lookupd scraped");

                List<String> empty = new ArrayList<>();
                Dashboard dashboard = new Dashboard();
                for (String expr : dashboard.panelQueries) {
                    JsonNode r = query(api, Dashboard.runnable(expr));
                    assertEquals("success", r.path("status").asText(), "Prometheus runs the dashboard's " + expr + ": " + r);
                    if (!expr.contains("rate(") && r.path("data").path("result").isEmpty()) empty.add(expr);
                }
                assertEquals(List.of(), empty, "dashboard queries (no rate) with no data after a scrape");
                Path shot = screenshot(api + "/graph?g0.expr=" + URLEncoder.encode("nsq_topic_depth", StandardCharsets.UTF_8)
                        + "&g0.tab=1", "prometheus-topic-depth.png");
                System.out.printf("PrometheusScrapeTest: %s = %s through Prometheus %s; %d dashboard queries run; %s%n",
                        depth, filled, version(api), dashboard.panelQueries.size(), shot);
            } catch (Throwable t) {
                System.err.println("prometheus log:\n" + Files.readString(log.toPath()));
                throw t;
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) prometheus.destroyForcibly();
            }
        }
    }

    /** What a user sees: Prometheus' page in headless Chromium (Debian's; the nsqadmin browser tests' flags). */
    private static Path screenshot(String url, String name) throws Exception {
        Path out = Path.of("target", "screenshots", name).toAbsolutePath();
        Files.createDirectories(out.getParent());
        Files.deleteIfExists(out);
        Process p = new ProcessBuilder("/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--hide-scrollbars", "--window-size=1100,470",
                "--virtual-time-budget=3000", "--screenshot=" + out, url).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "Chromium finished");
        assertTrue(Files.exists(out) && Files.size(out) > 0, "a screenshot of " + url);
        return out;
    }

    private static JsonNode query(String api, String promql) throws Exception {
        String url = api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The single sample's value, or "" when the query has no result (yet). */
    private static String value(String api, String promql) throws Exception {
        JsonNode result = query(api, promql).path("data").path("result");
        return result.size() == 1 ? result.path(0).path("value").path(1).asText() : "";
    }

    private static String version(String api) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/status/buildinfo")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return JSON.readTree(body).path("data").path("version").asText();
    }
}
