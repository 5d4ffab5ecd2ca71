package dev.nsq.nsqadmin.cluster;

import dev.nsq.daemon.HttpsRedirect;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP client nsqadmin talks to nsqd and nsqlookupd with (NSQ's {@code http_api.Client}):
 * connect and request timeouts from the flags, NSQ's V1 envelope understood, pre-1.0 daemons'
 * {@code {"status_code","data"}} wrapper unwrapped. Failures carry a one-line reason that names the
 * URL, because it ends up verbatim in the page's warning. Safe to use from any event loop.
 */
public final class Upstream {
    private static final Logger log = LoggerFactory.getLogger(Upstream.class);
    private static final String ACCEPT_V1 = "application/vnd.nsq; version=1.0";

    /** Settings of the client, from the HTTP client flags. */
    public record Settings(long connectTimeoutMs, long requestTimeoutMs, boolean tlsInsecureSkipVerify,
                           String tlsRootCaFile, String tlsCert, String tlsKey) {}

    /** An upstream call that failed; the message is what the page shows. */
    public static final class UpstreamError extends RuntimeException {
        public UpstreamError(String message) { super(message, null, false, false); }
    }

    private final HttpClientAgent client;
    private final long requestTimeoutMs;

    public Upstream(Vertx vertx, Settings s) {
        HttpClientOptions o = new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, s.connectTimeoutMs()))
                .setKeepAlive(true)
                .setDecompressionSupported(true);
        if (s.tlsInsecureSkipVerify()) o.setTrustAll(true).setVerifyHost(false);
        if (!s.tlsRootCaFile().isEmpty()) o.setTrustOptions(new PemTrustOptions().addCertPath(s.tlsRootCaFile()));
        if (!s.tlsCert().isEmpty()) o.setKeyCertOptions(new PemKeyCertOptions().setCertPath(s.tlsCert()).setKeyPath(s.tlsKey()));
        this.client = vertx.createHttpClient(o);
        this.requestTimeoutMs = s.requestTimeoutMs();
    }

    /** GET a JSON object from {@code addr} (host:port or a URL base) and {@code pathAndQuery}. */
    public Future<JsonObject> getJson(String addr, String pathAndQuery) {
        String url = url(addr, pathAndQuery);
        log.debug("CI: querying {}", url);
        return send(HttpMethod.GET, url, null).map(body -> parse(url, body));
    }

    /** POST with an empty body; succeeds on any 2xx. */
    public Future<Void> post(String addr, String pathAndQuery) {
        String url = url(addr, pathAndQuery);
        log.debug("CI: posting {}", url);
        return send(HttpMethod.POST, url, null).mapEmpty();
    }

    /** POST a JSON document to a full URL (notifications); succeeds on any 2xx. */
    public Future<Void> postJson(String url, JsonObject doc) {
        return send(HttpMethod.POST, url, doc.toBuffer()).mapEmpty();
    }

    /** GET a full URL and hand back the raw body (graphite). */
    public Future<Buffer> getRaw(String url) {
        return send(HttpMethod.GET, url, null);
    }

    public Future<Void> close() { return client.close(); }

    static String url(String addr, String pathAndQuery) {
        String base = addr.startsWith("http://") || addr.startsWith("https://") ? addr : "http://" + addr;
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        return base + pathAndQuery;
    }

    private Future<Buffer> send(HttpMethod method, String url, Buffer body) {
        RequestOptions ro;
        try {
            ro = new RequestOptions().setMethod(method).setAbsoluteURI(url)
                    .setIdleTimeout(requestTimeoutMs)
                    .putHeader("Accept", ACCEPT_V1);
        } catch (RuntimeException e) {
            return Future.failedFuture(new UpstreamError(method + " " + url + ": invalid URL"));
        }
        if (body != null) ro.putHeader("Content-Type", "application/json");
        return client.request(ro)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().compose(b -> {
                    if (resp.statusCode() / 100 == 2) return Future.succeededFuture(b);
                    // a daemon that requires TLS names its HTTPS port: NSQ's client asks again there
                    String https = HttpsRedirect.httpsUrl(url, resp.statusCode(), b.toString());
                    if (https != null) return send(method, https, body);
                    return Future.failedFuture(new UpstreamError(method + " " + url + ": got response "
                            + resp.statusCode() + " " + resp.statusMessage() + " " + quote(b.toString())));
                }))
                .recover(e -> Future.failedFuture(e instanceof UpstreamError ? e
                        : new UpstreamError(method + " " + url + ": " + reason(e))));
    }

    private static JsonObject parse(String url, Buffer b) {
        try {
            JsonObject o = new JsonObject(b);
            // a pre-1.0 daemon answers {"status_code":200,"status_txt":"OK","data":{...}}
            if (o.containsKey("status_code") && o.getValue("data") instanceof JsonObject data) return data;
            return o;
        } catch (DecodeException | ClassCastException e) {
            throw new UpstreamError("GET " + url + ": invalid JSON response");
        }
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        // Netty prefixes "Connection refused: /127.0.0.1:1"; keep it short for the page
        return m.replace('\n', ' ');
    }

    private static String quote(String s) {
        String t = s.strip();
        if (t.length() > 200) t = t.substring(0, 200) + "...";
        return '"' + t.replace("\"", "\\\"") + '"';
    }
}
