package dev.nsq.it.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/** The `http` op: one request (retried while `eventually_ms` lasts), its checks and captures. */
final class HttpSteps {
    private static final Duration RETRY_INTERVAL = Duration.ofMillis(100);

    private final HttpClient client;
    private final Map<String, String> addresses;
    private final Variables vars;

    /** Result of one attempt: what went wrong (null when all checks held) and the parsed JSON body. */
    private record Attempt(String problem, JsonNode json) { }

    HttpSteps(HttpClient client, Map<String, String> addresses, Variables vars) {
        this.client = client;
        this.addresses = addresses;
        this.vars = vars;
    }

    /** HTTP/1.1 only: the default HTTP/2 upgrade attempt would add headers nsqd never saw in the recording. */
    static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    void run(Step st, long timeoutMs) {
        String method = st.text("method", "GET");
        String path = vars.expand(st.text("path", ""));
        HttpRequest request = request(st, method, path, timeoutMs);
        JsonNode exp = st.has("expect") ? st.get("expect") : NullNode.getInstance();
        boolean wantJson = exp.has("json") || st.has("capture");
        Attempt last = attempt(request, exp, wantJson);
        long eventuallyMs = st.millis("eventually_ms", 0);
        if (last.problem() != null && eventuallyMs > 0) {
            last = retry(request, exp, wantJson, eventuallyMs, last);
        }
        if (last.problem() != null) {
            throw new StepFailure(method + " " + path + ": " + last.problem());
        }
        capture(st, last.json());
    }

    /** Polls every 100 ms until the checks hold or `eventually_ms` has passed; keeps the last attempt. */
    private Attempt retry(HttpRequest request, JsonNode exp, boolean wantJson, long eventuallyMs, Attempt first) {
        AtomicReference<Attempt> last = new AtomicReference<>(first);
        try {
            Awaitility.await()
                    .pollInSameThread()
                    .pollDelay(RETRY_INTERVAL)
                    .pollInterval(RETRY_INTERVAL)
                    .atMost(Duration.ofMillis(eventuallyMs).plus(RETRY_INTERVAL))
                    .until(() -> {
                        last.set(attempt(request, exp, wantJson));
                        return last.get().problem() == null;
                    });
        } catch (ConditionTimeoutException e) {
            // the last attempt's problem is the failure to report
        }
        return last.get();
    }

    private HttpRequest request(Step st, String method, String path, long timeoutMs) {
        String hostPort = addresses.get(st.target() + "_http");
        if (hostPort == null) {
            throw new CaseDefinitionError("no address for " + st.target() + "_http");
        }
        HttpRequest.BodyPublisher body = st.has("body")
                ? HttpRequest.BodyPublishers.ofByteArray(ByteExpr.build(st.get("body"), vars))
                : HttpRequest.BodyPublishers.noBody();
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create("http://" + hostPort + path))
                    .timeout(Duration.ofMillis(timeoutMs))
                    .method(method, body);
        } catch (IllegalArgumentException e) {
            throw new CaseDefinitionError("cannot build request " + method + " " + path + ": " + e.getMessage(), e);
        }
        JsonNode headers = st.has("headers") ? vars.expandTree(st.get("headers")) : NullNode.getInstance();
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            try {
                b.header(h.getKey(), h.getValue().asText());
            } catch (IllegalArgumentException e) {
                throw new CaseDefinitionError("java.net.http cannot send header " + h.getKey(), e);
            }
        }
        return b.build();
    }

    private Attempt attempt(HttpRequest request, JsonNode exp, boolean wantJson) {
        HttpResponse<byte[]> resp;
        try {
            resp = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return new Attempt("request failed: " + e, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted during HTTP request");
        }
        return check(exp, resp.statusCode(), resp.headers(), resp.body(), wantJson);
    }

    /** Applies the `expect` block's checks in replay.py's order; the first that fails is reported. */
    private Attempt check(JsonNode exp, int status, HttpHeaders headers, byte[] data, boolean wantJson) {
        String got = "status " + status + " body " + Show.bytes(data);
        if (exp.has("status") && status != exp.get("status").asInt()) {
            return new Attempt("expected status " + exp.get("status").asInt() + ", got " + got, null);
        }
        if (exp.has("body")) {
            byte[] want = ByteExpr.build(exp.get("body"), vars);
            if (!Arrays.equals(data, want)) {
                return new Attempt("expected body " + Show.bytes(want) + ", got " + got, null);
            }
        }
        if (exp.has("body_regex")) {
            String rx = vars.expand(exp.get("body_regex").asText());
            if (!JsonMatcher.regex(rx, Pattern.MULTILINE).matcher(Decode.text(data)).find()) {
                return new Attempt("expected body matching /" + rx + "/, got " + got, null);
            }
        }
        if (exp.has("first_lines")) {
            String problem = firstLines(vars.expandTree(exp.get("first_lines")), data);
            if (problem != null) {
                return new Attempt(problem, null);
            }
        }
        JsonNode obj = null;
        if (wantJson) {
            obj = Decode.json(data);
            if (obj == null) {
                return new Attempt("expected JSON body, got " + got, null);
            }
            if (exp.has("json")) {
                String r = JsonMatcher.match(vars.expandTree(exp.get("json")), obj);
                if (r != null) {
                    return new Attempt("JSON mismatch: " + r, obj);
                }
            }
        }
        return new Attempt(headerProblem(exp.get("headers"), headers), obj);
    }

    private static String firstLines(JsonNode matchers, byte[] data) {
        String[] lines = Decode.text(data).split("\n", -1);
        for (int i = 0; i < matchers.size(); i++) {
            JsonNode line = i < lines.length ? TextNode.valueOf(lines[i]) : NullNode.getInstance();
            String r = JsonMatcher.match(matchers.get(i), line, "line " + (i + 1));
            if (r != null) {
                return r + " (body " + Show.bytes(data, 400) + ")";
            }
        }
        return null;
    }

    /** Each named header must match its matcher, or be absent when the matcher is null. */
    private String headerProblem(JsonNode expected, HttpHeaders headers) {
        if (expected == null) {
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = headers.firstValue(e.getKey()).orElse(null);
            if (e.getValue().isNull()) {
                if (value != null) {
                    return "expected no header " + e.getKey() + ", got " + Show.string(value);
                }
                continue;
            }
            JsonNode actual = value == null ? NullNode.getInstance() : TextNode.valueOf(value);
            String r = JsonMatcher.match(vars.expandTree(e.getValue()), actual, "header " + e.getKey());
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** `capture` {var: "dotted.path"}: strings are stored as-is, anything else as JSON text. */
    private void capture(Step st, JsonNode obj) {
        JsonNode capture = st.get("capture");
        if (capture == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = capture.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = at(obj, e.getValue().asText());
            if (v == null) {
                throw new StepFailure("cannot capture " + e.getKey() + " from response path " + e.getValue().asText());
            }
            vars.put(e.getKey(), v.isTextual() ? v.textValue() : Show.pythonJson(v));
        }
    }

    /** Follows a dotted path through objects (keys) and arrays (indexes); null when it leads nowhere. */
    static JsonNode at(JsonNode root, String dotted) {
        JsonNode cur = root;
        for (String part : dotted.split("\\.", -1)) {
            if (cur == null) {
                return null;
            }
            if (cur.isArray()) {
                try {
                    int i = Integer.parseInt(part);
                    cur = cur.get(i < 0 ? cur.size() + i : i);
                } catch (NumberFormatException ex) {
                    return null;
                }
            } else {
                cur = cur.isObject() ? cur.get(part) : null;
            }
        }
        return cur;
    }
}
