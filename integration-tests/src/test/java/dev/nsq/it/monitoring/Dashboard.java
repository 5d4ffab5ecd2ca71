package dev.nsq.it.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The provisioned Grafana dashboard (monitoring/grafana/dashboards/nsq.json) as the tests read it:
 * its PromQL queries, with Grafana's variables replaced so Prometheus itself can run them, and the
 * metric names they use.
 */
final class Dashboard {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    static final Path FILE = ROOT.resolve("monitoring/grafana/dashboards/nsq.json");
    private static final Pattern IDENT = Pattern.compile("(?<![a-zA-Z0-9_:])[a-zA-Z_:][a-zA-Z0-9_:]*(?![a-zA-Z0-9_:(]|\\s*\\()");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan");

    final List<String> panelQueries = new ArrayList<>();
    final List<String> variableQueries = new ArrayList<>();

    Dashboard() throws IOException {
        JsonNode d = new ObjectMapper().readTree(FILE.toFile());
        collectTargets(d.path("panels"));
        for (JsonNode v : d.path("templating").path("list")) {
            if (!v.path("type").asText().equals("query")) continue;
            JsonNode q = v.path("query");
            variableQueries.add(q.isTextual() ? q.asText() : q.path("query").asText());
        }
    }

    private void collectTargets(JsonNode panels) {
        for (JsonNode p : panels) {
            p.path("targets").forEach(t -> panelQueries.add(t.path("expr").asText()));
            collectTargets(p.path("panels")); // collapsed rows hold their panels
        }
    }

    /** A panel query with Grafana's variables as a run over everything would have them. */
    static String runnable(String expr) {
        return expr.replace("$__rate_interval", "1m").replace("$instance", ".*").replace("$topic", ".*").replace("$channel", ".*");
    }

    /** Every metric name the dashboard reads, in its panels and in its variables' label_values(). */
    Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        for (String q : panelQueries) names.addAll(metricNames(q));
        for (String q : variableQueries) {
            Matcher m = LABEL_VALUES.matcher(q);
            while (m.find()) names.add(m.group(1));
        }
        return names;
    }

    /** The metric names in one PromQL expression: identifiers outside strings, selectors, ranges and label lists, not functions or keywords. */
    static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENT.matcher(e);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group().toLowerCase())) names.add(m.group());
        }
        return names;
    }
}
