package dev.nsq.nsqadmin;

import io.vertx.core.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The server on its own (its only nsqd address is a closed port): lifecycle, {@code --base-path},
 * NSQ's JSON errors, compression. Behaviour against real daemons is tested in integration-tests.
 */
@Timeout(60)
class NsqadminServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Nsqadmin admin;

    @BeforeEach
    void start() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        NsqadminOptions o = new NsqadminOptions();
        o.httpAddress = "127.0.0.1:0";
        o.basePath = "/admin/";
        o.nsqdHttpAddresses.add("127.0.0.1:" + dead);
        admin = new Nsqadmin(o);
        sync(admin.start());
    }

    @AfterEach
    void stop() throws Exception {
        sync(admin.stop());
    }

    @Test
    void routesLiveUnderTheBasePath() throws Exception {
        assertTrue(admin.httpPort() > 0);
        HttpResponse<String> ping = get("/admin/ping", "identity");
        assertEquals(200, ping.statusCode());
        assertEquals("OK", ping.body());
        HttpResponse<String> page = get("/admin/topics/t", "identity");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("window.NSQ_BASE = \"/admin\""), "the page knows its base path");
        assertTrue(page.body().contains("/admin/static/app.css"));
        assertEquals(200, get("/admin/static/graph.js", "identity").statusCode());
        HttpResponse<String> outside = get("/ping", "identity");
        assertEquals(404, outside.statusCode());
        assertEquals("{\"message\":\"NOT_FOUND\"}", outside.body());
    }

    @Test
    void allNodesDownIsA502WithNsqsMessage() throws Exception {
        HttpResponse<String> r = get("/admin/api/topics", "identity");
        assertEquals(502, r.statusCode());
        assertTrue(r.body().startsWith("{\"message\":\"UPSTREAM_ERROR: Failed to query any nsqd: "), r.body());
    }

    @Test
    void answersAreCompressedWhenTheClientAcceptsIt() throws Exception {
        HttpResponse<String> r = get("/admin/static/core.js", "gzip");
        assertEquals(200, r.statusCode());
        assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(""));
    }

    @Test
    void stopIsIdempotent() throws Exception {
        sync(admin.stop());
        sync(admin.stop());
    }

    private HttpResponse<String> get(String path, String encoding) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.httpPort() + path))
                .header("Accept-Encoding", encoding).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <T> T sync(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
