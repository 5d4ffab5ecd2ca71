package dev.nsq.nsqd;

import dev.nsq.daemon.HttpsRedirect;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Asks the {@code --auth-http-address} servers what a secret may do, as NSQ's QueryAnyAuthd: start
 * at a random server, try each in turn, first valid answer wins. An address with "://" is the full
 * URL, otherwise {@code http://<addr>/auth}. GET sends the parameters (common_name, remote_ip,
 * secret, tls; sorted like Go's url.Values) in the query; POST sends them as a JSON object of
 * one-element arrays. A 403 naming an {@code https_port} is asked again over HTTPS on that port, as
 * NSQ's http_api client does. Non-blocking: Vert.x's HttpClient, answers on the caller's context.
 *
 * <p>Thread-safe; one per nsqd.
 */
final class AuthClient {
    private static final Logger log = LoggerFactory.getLogger(AuthClient.class);
    private static final String ACCEPT = "application/vnd.nsq; version=1.0";

    private final Vertx vertx;
    private final NsqdOptions opts;
    private final HttpClient http;

    AuthClient(Vertx vertx, NsqdOptions opts) {
        this.vertx = vertx;
        this.opts = opts;
        HttpClientOptions o = new HttpClientOptions().setConnectTimeout((int) opts.httpClientConnectTimeoutMs);
        // NSQ trusts --tls-root-ca-file for HTTPS auth servers too
        if (!opts.tlsRootCaFile.isEmpty()) o.setTrustOptions(new PemTrustOptions().addCertPath(opts.tlsRootCaFile));
        this.http = vertx.createHttpClient(o);
    }

    Future<Authorizations> query(String remoteIp, boolean tls, String commonName, String secret) {
        List<String> servers = opts.authHttpAddresses;
        int start = ThreadLocalRandom.current().nextInt(servers.size());
        Map<String, String> params = new TreeMap<>();
        params.put("common_name", commonName);
        params.put("remote_ip", remoteIp);
        params.put("secret", secret);
        params.put("tls", Boolean.toString(tls));
        return tryFrom(servers, start, 0, params);
    }

    private Future<Authorizations> tryFrom(List<String> servers, int start, int i, Map<String, String> params) {
        if (i >= servers.size()) return Future.failedFuture("Unable to access auth server");
        String server = servers.get((start + i) % servers.size());
        return queryOne(server, params).recover(e -> {
            log.warn("failed to connect to authd {} - {}", server, e.getMessage());
            return tryFrom(servers, start, i + 1, params);
        });
    }

    private Future<Authorizations> queryOne(String server, Map<String, String> params) {
        String endpoint = server.contains("://") ? server : "http://" + server + "/auth";
        boolean post = opts.authHttpRequestMethod.equals("post");
        Buffer body = Buffer.buffer();
        if (post) {
            var json = new io.vertx.core.json.JsonObject();
            params.forEach((k, v) -> json.put(k, new io.vertx.core.json.JsonArray().add(v)));
            body = json.toBuffer();
        }
        return send(post, post ? endpoint : endpoint + (endpoint.contains("?") ? "&" : "?") + encode(params), body);
    }

    private Future<Authorizations> send(boolean post, String url, Buffer body) {
        RequestOptions req = new RequestOptions()
                .setMethod(post ? HttpMethod.POST : HttpMethod.GET)
                .setAbsoluteURI(url)
                .setHeaders(MultiMap.caseInsensitiveMultiMap().add("Accept", ACCEPT))
                .setIdleTimeout(opts.httpClientRequestTimeoutMs);
        if (post) req.putHeader("Content-Type", "application/json");
        return http.request(req)
                .compose(r -> r.send(body))
                .compose(resp -> resp.body().compose(b -> {
                    // an auth server that requires TLS names its HTTPS port: NSQ's client asks again there
                    String https = HttpsRedirect.httpsUrl(url, resp.statusCode(), b.toString());
                    if (https != null) return send(post, https, body);
                    if (resp.statusCode() != 200)
                        return Future.failedFuture("got response " + resp.statusCode() + " " + b.toString());
                    try {
                        return Future.succeededFuture(Authorizations.parse(b.getBytes(), System.currentTimeMillis()));
                    } catch (IllegalArgumentException e) {
                        return Future.failedFuture(e);
                    }
                }));
    }

    /** Go's url.Values.Encode: keys sorted, form encoding. */
    private static String encode(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (sb.length() > 0) sb.append('&');
            sb.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return sb.toString();
    }

    Future<Void> close() { return http.close(); }
}
