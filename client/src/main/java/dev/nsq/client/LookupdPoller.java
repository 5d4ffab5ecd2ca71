package dev.nsq.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.protocol.HostPort;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks one nsqlookupd over HTTP which nsqd produce a topic: {@code GET /lookup?topic=} and the
 * {@code producers} list, each reached at {@code broadcast_address:tcp_port}. A topic unknown to
 * lookupd (404) is an empty list, as it means "no producer yet".
 */
final class LookupdPoller {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LookupdPoller() {}

    static Future<List<String>> lookup(HttpClient http, String lookupdHttpAddress, String topic) {
        String base = lookupdHttpAddress.startsWith("http://") ? lookupdHttpAddress.substring(7) : lookupdHttpAddress;
        if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        HostPort hp = HostPort.parse(base, 4161);
        String uri = "/lookup?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8);
        return http.request(HttpMethod.GET, hp.port(), hp.host(), uri)
                .compose(req -> req.putHeader("Accept", "application/vnd.nsq; version=1.0").send())
                .compose(resp -> resp.body().compose(body -> {
                    if (resp.statusCode() == 404) return Future.succeededFuture(List.<String>of());
                    if (resp.statusCode() != 200)
                        return Future.failedFuture("lookupd " + lookupdHttpAddress + " answered " + resp.statusCode());
                    try {
                        return Future.succeededFuture(producers(JSON.readTree(body.getBytes())));
                    } catch (Exception e) {
                        return Future.failedFuture(e);
                    }
                }));
    }

    static List<String> producers(JsonNode root) {
        // pre-1.0 lookupd wrapped the answer in "data"
        JsonNode list = root.has("producers") ? root.get("producers") : root.path("data").path("producers");
        List<String> out = new ArrayList<>();
        for (JsonNode p : list) {
            String host = p.path("broadcast_address").asText("");
            if (host.isEmpty()) host = p.path("address").asText("");
            out.add(host + ":" + p.path("tcp_port").asInt());
        }
        return out;
    }
}
