package dev.nsq.nsqd;

import dev.nsq.daemon.HttpEnvelope;
import dev.nsq.protocol.HostPort;
import dev.nsq.protocol.Names;
import dev.nsq.protocol.Version;
import dev.nsq.protocol.json.NsqdInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;


/**
 * nsqd's HTTP API (NSQ's "V1" envelope): routes, methods, status codes and error bodies as NSQ 1.3,
 * so curl scripts, nsqadmin and nsq_stat read ours unchanged. Handlers run on the HTTP server's
 * event loop and only touch topics through their locks.
 */
final class HttpApi {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

    private final Nsqd nsqd;
    private final NsqdOptions opts;
    /** Shared by the servers of every event loop: routing holds no per-loop state. */
    private final Router router;
    private final HostPort httpListen;
    private final HostPort httpsListen;
    /** One server per event loop for each port (they share it); see {@link Listener}. */
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final List<HttpServer> httpsServers = new CopyOnWriteArrayList<>();

    HttpApi(Nsqd nsqd) {
        this.nsqd = nsqd;
        this.opts = nsqd.options();
        this.router = routes();
        this.httpListen = opts.httpAddress.isEmpty() ? null : Nsqd.sharedPort(HostPort.parse(opts.httpAddress, 4151));
        this.httpsListen = nsqd.tls() == null || opts.httpsAddress.isEmpty() ? null
                : Nsqd.sharedPort(HostPort.parse(opts.httpsAddress, 4152));
    }

    /**
     * On the calling event loop: the HTTP listener and, when TLS is configured, the HTTPS one
     * serving the same routes.
     */
    Future<Void> listenHere() {
        Future<Void> https = Future.succeededFuture();
        if (httpsListen != null) {
            HttpServer s = nsqd.vertx().createHttpServer(nsqd.tls().httpsOptions()).requestHandler(router);
            httpsServers.add(s);
            https = s.listen(httpsListen.port(), httpsListen.host()).mapEmpty();
        }
        if (httpListen == null) return https;
        HttpServer server = nsqd.vertx().createHttpServer(HttpEnvelope.serverOptions());
        // --tls-required=true (not tcp-https): plain HTTP only points clients at the HTTPS port
        if (opts.tlsRequired == NsqdOptions.TlsRequired.TRUE) server.requestHandler(this::tlsRequired);
        else server.requestHandler(router);
        servers.add(server);
        return https.compose(v -> server.listen(httpListen.port(), httpListen.host())).mapEmpty();
    }

    void logListening() {
        if (httpsPort() >= 0) log.info("HTTPS: listening on {}", httpsPort());
        if (port() >= 0) log.info("HTTP: listening on {}", port());
    }

    /** NSQ's exact answer, written by hand there too (note the spaces), with no content type of its own. */
    private void tlsRequired(HttpServerRequest req) {
        req.response().setStatusCode(403)
                .putHeader("X-NSQ-Content-Type", "nsq; version=1.0")
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("{\"message\": \"TLS_REQUIRED\", \"https_port\": " + httpsPort() + "}");
    }

    private Router routes() {
        Router r = Router.router(nsqd.vertx());
        r.get("/ping").handler(this::ping);
        r.get("/info").handler(ctx -> HttpEnvelope.json(ctx, info()));
        r.post("/pub").handler(ctx -> new HttpPublish(nsqd, this).pub(ctx));
        r.post("/mpub").handler(ctx -> new HttpPublish(nsqd, this).mpub(ctx));
        r.get("/metrics").handler(new dev.nsq.daemon.MetricsEndpoint(new NsqdMetrics(nsqd))::handle); // ours, for Prometheus
        r.get("/stats").handler(ctx -> new StatsHandler(nsqd, this).handle(ctx));
        TopicChannelRoutes tc = new TopicChannelRoutes(nsqd, this);
        r.post("/topic/create").handler(tc::createTopic);
        r.post("/topic/delete").handler(tc::deleteTopic);
        r.post("/topic/empty").handler(tc::emptyTopic);
        r.post("/topic/pause").handler(ctx -> tc.pauseTopic(ctx, true));
        r.post("/topic/unpause").handler(ctx -> tc.pauseTopic(ctx, false));
        r.post("/channel/create").handler(tc::createChannel);
        r.post("/channel/delete").handler(tc::deleteChannel);
        r.post("/channel/empty").handler(tc::emptyChannel);
        r.post("/channel/pause").handler(ctx -> tc.pauseChannel(ctx, true));
        r.post("/channel/unpause").handler(ctx -> tc.pauseChannel(ctx, false));
        PeekRoutes peek = new PeekRoutes(nsqd, tc); // ours
        r.get("/topic/peek").handler(peek::topic);
        r.get("/channel/peek").handler(peek::channel);
        ConfigRoutes config = new ConfigRoutes(nsqd, this);
        r.get("/config/:opt").handler(config::get);
        r.put("/config/:opt").handler(config::put);
        HttpEnvelope.errorHandlers(r, log);
        return r;
    }

    int port() { return servers.isEmpty() ? -1 : servers.get(0).actualPort(); }

    int httpsPort() { return httpsServers.isEmpty() ? -1 : httpsServers.get(0).actualPort(); }

    Future<Void> close() {
        List<Future<Void>> all = new ArrayList<>();
        for (HttpServer s : servers) all.add(s.close());
        for (HttpServer s : httpsServers) all.add(s.close());
        return Future.join(all).mapEmpty();
    }

    private void ping(RoutingContext ctx) {
        // NSQ 1.3.0's /ping carries no X-NSQ-Content-Type; a disk error makes it 500 "NOK - ..."
        Health h = nsqd.health();
        ctx.response().setStatusCode(h.isOk() ? 200 : 500)
                .putHeader("Content-Type", "text/plain; charset=utf-8").end(h.text());
    }

    NsqdInfo info() {
        return new NsqdInfo(Version.NSQ_VERSION, opts.broadcastAddress, NsqdOptions.hostname(),
                opts.broadcastHttpPort > 0 ? opts.broadcastHttpPort : port(),
                opts.broadcastTcpPort > 0 ? opts.broadcastTcpPort : nsqd.tcpPort(),
                nsqd.startTime(), opts.maxHeartbeatIntervalMs * 1_000_000L, opts.maxOutputBufferSize,
                opts.maxOutputBufferTimeoutMs * 1_000_000L, opts.maxDeflateLevel);
    }

    static boolean validName(String n) { return Names.isValid(n); }

    /**
     * Reads the request body up to {@code limit} bytes; a longer body completes with null, like
     * NSQ's LimitReader check. A Content-Length over the limit is refused before reading.
     */
    static Future<Buffer> readBody(HttpServerRequest req, long limit) {
        Promise<Buffer> p = Promise.promise();
        Buffer acc = Buffer.buffer();
        boolean[] tooBig = {false};
        req.handler(chunk -> {
            if (tooBig[0]) return;
            if (acc.length() + chunk.length() > limit) tooBig[0] = true;
            else acc.appendBuffer(chunk);
        });
        req.endHandler(v -> p.tryComplete(tooBig[0] ? null : acc));
        req.exceptionHandler(p::tryFail);
        return p.future();
    }

    /** Answers 200 (empty) on the request's event loop once disk work is done. */
    static void whenDone(Nsqd nsqd, RoutingContext ctx, Future<?> work) {
        OnLoop.whenDone(nsqd.vertx().getOrCreateContext(), work, (v, cause) -> {
            if (cause == null) HttpEnvelope.empty(ctx);
            else HttpEnvelope.error(ctx, 500, "INTERNAL_ERROR - " + reason(cause));
        });
    }

    /** The cause's message, for an error body (quotes dropped to keep the JSON valid). */
    static String reason(Throwable e) {
        return OnLoop.reason(e).replace('"', '\'').replace('\\', '/');
    }
}
