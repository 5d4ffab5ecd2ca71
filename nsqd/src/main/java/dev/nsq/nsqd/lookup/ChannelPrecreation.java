package dev.nsq.nsqd.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.protocol.HostPort;
import dev.nsq.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * When nsqd creates a topic it asks its lookupds which channels that topic has elsewhere
 * ({@code GET /channels?topic=}) and creates them before the topic starts, so consumers that
 * subscribed on other nodes lose nothing published here first (NSQ's GetTopic). Ephemeral
 * channels are not pre-created. A lookupd that fails to answer is logged and skipped.
 */
public final class ChannelPrecreation {
    private static final Logger log = LoggerFactory.getLogger(ChannelPrecreation.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final long timeoutMs;

    public ChannelPrecreation(Vertx vertx, long connectTimeoutMs, long requestTimeoutMs) {
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) connectTimeoutMs));
        this.timeoutMs = requestTimeoutMs;
    }

    /** The non-ephemeral channels any of the lookupds knows for the topic. Never fails. */
    public Future<Set<String>> channels(String topic, List<String> lookupdHttpAddresses) {
        List<Future<List<String>>> asks = new ArrayList<>();
        for (String addr : lookupdHttpAddresses) asks.add(ask(addr, topic));
        return Future.join(asks).transform(ar -> {
            Set<String> out = new LinkedHashSet<>();
            for (Future<List<String>> f : asks) if (f.succeeded()) out.addAll(f.result());
            return Future.succeededFuture(out);
        });
    }

    private Future<List<String>> ask(String addr, String topic) {
        HostPort hp = HostPort.parse(addr, 4161);
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost(hp.host()).setPort(hp.port())
                .setURI("/channels?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8)).setTimeout(timeoutMs);
        return http.request(ro).compose(req -> req.send()).compose(resp -> resp.body().map(body -> {
            List<String> out = new ArrayList<>();
            if (resp.statusCode() != 200) return out;
            try {
                for (JsonNode c : JSON.readTree(body.getBytes()).path("channels")) {
                    String name = c.asText();
                    if (Names.isValid(name) && !Names.isEphemeral(name)) out.add(name);
                }
            } catch (Exception e) {
                log.error("LOOKUP({}): bad /channels reply - {}", addr, e.toString());
            }
            return out;
        })).onFailure(e -> log.error("LOOKUP({}): failed to query channels of {} - {}", addr, topic, e.toString()));
    }

    public void close() { http.close(); }
}
