package dev.nsq.nsqd.support;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small NSQ auth server for tests (the JDK's HTTP server on 127.0.0.1 port 0): answers GET or
 * POST /auth by the secret, from answers the test sets and may change at any time, and records
 * every request's method, query, headers and body.
 */
public final class TestAuthServer implements AutoCloseable {
    public record Request(String method, String query, String accept, String body) {}

    private record Answer(int status, String body) {}

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    public final List<Request> requests = new CopyOnWriteArrayList<>();

    public TestAuthServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/auth", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String query = ex.getRequestURI().getRawQuery();
            requests.add(new Request(ex.getRequestMethod(), query, ex.getRequestHeaders().getFirst("Accept"), body));
            String secret = secretOf(query == null ? "" : query, body);
            Answer a = answers.getOrDefault(secret, new Answer(403, "{\"message\":\"FORBIDDEN\"}"));
            byte[] out = a.body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(a.status, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
    }

    private static String secretOf(String query, String body) {
        for (String kv : query.split("&")) {
            if (kv.startsWith("secret=")) return java.net.URLDecoder.decode(kv.substring(7), StandardCharsets.UTF_8);
        }
        int i = body.indexOf("\"secret\":[\"");
        if (i >= 0) return body.substring(i + 11, body.indexOf('"', i + 11));
        return "";
    }

    public String address() { return "127.0.0.1:" + server.getAddress().getPort(); }

    /** The grant for a secret: {"ttl":..,"identity":..,"identity_url":..,"authorizations":[..]}. */
    public void grant(String secret, long ttl, String identity, String authorizationsJson) {
        answers.put(secret, new Answer(200, "{\"ttl\":" + ttl + ",\"identity\":\"" + identity
                + "\",\"identity_url\":\"https://id.example/" + identity + "\",\"authorizations\":" + authorizationsJson + "}"));
    }

    public void answer(String secret, int status, String body) { answers.put(secret, new Answer(status, body)); }

    public static String authz(String topic, String channelsJson, String permissionsJson) {
        return "{\"topic\":\"" + topic + "\",\"channels\":" + channelsJson + ",\"permissions\":" + permissionsJson + "}";
    }

    @Override
    public void close() { server.stop(0); }
}
