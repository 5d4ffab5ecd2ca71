package dev.nsq.nsqadmin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** {@code /api/graphite} and the {@code /render} proxy against a stand-in graphite render API. */
@Timeout(60)
class GraphiteRoutesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private Vertx vertx;
    private HttpServer graphite;
    private Nsqadmin admin;
    private volatile String answer = "[{\"target\":\"x\",\"datapoints\":[[120.0,1700000000]]}]";

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        graphite = sync(vertx.createHttpServer().requestHandler(req -> {
            asked.add(req.uri());
            req.response().putHeader("Content-Type", "application/json").end(answer);
        }).listen(0, "127.0.0.1"));
        NsqadminOptions o = new NsqadminOptions();
        o.httpAddress = "127.0.0.1:0";
        o.nsqdHttpAddresses.add("127.0.0.1:1");
        o.graphiteUrl = "http://127.0.0.1:" + graphite.actualPort();
        o.proxyGraphite = true;
        admin = new Nsqadmin(vertx, o);
        sync(admin.start());
    }

    @AfterEach
    void stop() throws Exception {
        sync(admin.stop());
        sync(vertx.close());
    }

    @Test
    void rateIsTheLastIntervalsCountPerSecond() throws Exception {
        HttpResponse<String> r = get("/api/graphite?metric=rate&target=sumSeries(nsq.*.topic.t.message_count)");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"rate\":\"2.00\"}", r.body(), "120 messages over the default 60 s statsd interval");
        assertTrue(asked.get(0).startsWith("/render?from=-120sec&until=-60sec&format=json&target=sumSeries"), asked.toString());
        answer = "[{\"target\":\"x\",\"datapoints\":[[null,1700000000]]}]";
        assertEquals("{\"rate\":\"N/A\"}", get("/api/graphite?metric=rate&target=x").body());
        assertEquals("{\"message\":\"INVALID_ARG_METRIC\"}", get("/api/graphite?metric=depth&target=x").body());
        assertEquals("{\"message\":\"INVALID_ARG_TARGET\"}", get("/api/graphite?metric=rate").body());
    }

    @Test
    void renderIsProxied() throws Exception {
        HttpResponse<String> r = get("/render?target=a&format=json");
        assertEquals(200, r.statusCode());
        assertEquals(answer, r.body());
        assertEquals("/render?target=a&format=json", asked.get(0));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static <T> T sync(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
