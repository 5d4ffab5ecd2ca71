package dev.nsq.nsqadmin;

import dev.nsq.daemon.DaemonMain;
import dev.nsq.nsqadmin.api.AdminActions;
import dev.nsq.nsqadmin.api.ConfigRoutes;
import dev.nsq.nsqadmin.api.GraphiteRoutes;
import dev.nsq.nsqadmin.api.NodeRoutes;
import dev.nsq.nsqadmin.api.PeekRoutes;
import dev.nsq.nsqadmin.api.Reply;
import dev.nsq.nsqadmin.api.TopicRoutes;
import dev.nsq.nsqadmin.cluster.ClusterInfo;
import dev.nsq.nsqadmin.cluster.Upstream;
import dev.nsq.nsqadmin.live.EventStream;
import dev.nsq.nsqadmin.live.StatsSampler;
import dev.nsq.protocol.HostPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nsqadmin server: the JSON API over the cluster's lookupd and nsqd HTTP APIs, the live
 * event stream, {@code /config}, {@code /ping} and the pages. Usable without {@link Main}; its
 * {@link #start()} completes once listening, and {@link #httpPort()} is then the real port.
 */
public final class Nsqadmin implements DaemonMain.Daemon {
    private static final Logger log = LoggerFactory.getLogger(Nsqadmin.class);
    /** A request body above this is refused; NSQ reads at most 1 MiB of a /config value. */
    private static final long MAX_BODY_BYTES = 1024 * 1024 + 1;

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final NsqadminOptions opts;
    private Upstream upstream;
    private StatsSampler sampler;
    private HttpServer server;

    public Nsqadmin(NsqadminOptions options) {
        this(Vertx.vertx(), options, true);
    }

    public Nsqadmin(Vertx vertx, NsqadminOptions options) {
        this(vertx, options, false);
    }

    private Nsqadmin(Vertx vertx, NsqadminOptions options, boolean ownsVertx) {
        this.vertx = vertx;
        this.opts = options;
        this.ownsVertx = ownsVertx;
    }

    @Override
    public Future<Void> start() {
        try {
            opts.validate();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        LiveConfig config = new LiveConfig(opts);
        upstream = new Upstream(vertx, new Upstream.Settings(opts.httpClientConnectTimeoutMs, opts.httpClientRequestTimeoutMs,
                opts.httpClientTlsInsecureSkipVerify, opts.httpClientTlsRootCaFile, opts.httpClientTlsCert, opts.httpClientTlsKey));
        ClusterInfo ci = new ClusterInfo(upstream, config::lookupdHttpAddresses, opts.nsqdHttpAddresses);
        AdminActions admin = new AdminActions(opts.adminUsers, opts.aclHttpHeader, opts.notificationHttpEndpoint, upstream);
        sampler = new StatsSampler(vertx, ci, opts.statsSampleIntervalMs, opts.statsHistoryMs);
        Cidr cidr = opts.allowConfigFromCidr.isEmpty() ? null : Cidr.parse(opts.allowConfigFromCidr);

        String base = opts.normalizedBasePath();
        Router r = Router.router(vertx);
        r.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        r.get(base + "/ping").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end("OK"));
        new TopicRoutes(ci, admin).mount(r, base);
        new PeekRoutes(ci).mount(r, base);
        new NodeRoutes(ci, admin).mount(r, base);
        new GraphiteRoutes(upstream, opts.graphiteUrl, opts.proxyGraphite, opts.statsdIntervalMs).mount(r, base);
        r.get(base + "/api/events").handler(new EventStream(sampler)::handle);
        new ConfigRoutes(config, ip -> cidr == null || cidr.contains(ip)).mount(r, base);
        new StaticPages(base, opts.devStaticDir).mount(r);
        r.route().failureHandler(Reply::failure);
        // no route for the path (404) or for the method (405): NSQ's JSON errors all the same
        r.errorHandler(404, Reply::failure);
        r.errorHandler(405, Reply::failure);

        HostPort hp;
        try {
            hp = HostPort.parse(opts.httpAddress, 4171);
        } catch (RuntimeException e) {
            return Future.failedFuture(new IllegalArgumentException("invalid --http-address " + opts.httpAddress));
        }
        // HTTP/1.1 only, as NSQ's nsqadmin (no h2c upgrade)
        HttpServerOptions so = new HttpServerOptions().setCompressionSupported(true).setHttp2ClearTextEnabled(false);
        return vertx.createHttpServer(so).requestHandler(r).listen(hp.port(), hp.host())
                .onSuccess(s -> {
                    server = s;
                    log.info("HTTP: listening on {}:{}", hp.host(), s.actualPort());
                    log.info("NSQADMIN: using {} {}", ci.usesLookupd() ? "nsqlookupd" : "nsqd",
                            ci.usesLookupd() ? config.lookupdHttpAddresses() : opts.nsqdHttpAddresses);
                    sampler.start();
                })
                .onFailure(e -> log.error("failed to listen on {} - {}", opts.httpAddress, e.toString()))
                .mapEmpty();
    }

    /** The port the HTTP server listens on (the real one when started on port 0); 0 before start. */
    public int httpPort() { return server == null ? 0 : server.actualPort(); }

    /** Stops sampling and listening; closes the Vert.x instance only if this object made it. Idempotent. */
    @Override
    public Future<Void> stop() {
        if (sampler != null) sampler.stop();
        HttpServer s = server;
        Upstream u = upstream;
        server = null;
        upstream = null;
        Future<Void> done = (s == null ? Future.<Void>succeededFuture() : s.close()).otherwiseEmpty()
                .compose(v -> u == null ? Future.<Void>succeededFuture() : u.close().otherwiseEmpty());
        if (!ownsVertx) return done;
        // detach from the event-loop context first: the result is delivered after vertx.close(),
        // when that context's event loop is gone and could not run the callbacks any more
        return Future.fromCompletionStage(done.toCompletionStage()).eventually(() -> vertx.close());
    }
}
