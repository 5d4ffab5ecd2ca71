package dev.nsq.nsqlookupd;

import dev.nsq.cluster.ClusterBootstrap;
import dev.nsq.daemon.DaemonMain;
import dev.nsq.protocol.HostPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry daemon (NSQ's nsqlookupd): one {@link RegistrationDB} fed by nsqd over the lookup
 * protocol V1 ({@code --tcp-address}) and, in cluster mode, over the clustered event bus; read over
 * HTTP ({@code --http-address}). Usable without {@link Main}: {@link #start()} completes once both
 * listeners are bound (so {@link #tcpPort()} and {@link #httpPort()} are the real ports) and, when
 * clustered, once the nsqds have been asked for their state.
 */
public final class Nsqlookupd implements DaemonMain.Daemon {
    private static final Logger log = LoggerFactory.getLogger(Nsqlookupd.class);

    private final NsqlookupdOptions options;
    private final boolean ownsVertx;
    private final RegistrationDB db = new RegistrationDB();
    private Vertx vertx;
    private NetServer tcpServer;
    private HttpApi http;
    private ClusterRegistrations cluster;

    public Nsqlookupd(NsqlookupdOptions options) { this(null, options); }

    /** With a Vert.x of the caller's (not closed by {@link #stop()}); null to make our own, clustered if asked. */
    public Nsqlookupd(Vertx vertx, NsqlookupdOptions options) {
        this.options = options;
        this.vertx = vertx;
        this.ownsVertx = vertx == null;
    }

    @Override
    public Future<Void> start() {
        Future<Vertx> v = vertx != null ? Future.succeededFuture(vertx) : ClusterBootstrap.start(options.cluster);
        return v.compose(vx -> {
            vertx = vx;
            HostPort tcp = HostPort.parse(options.tcpAddress, 4160);
            tcpServer = vertx.createNetServer().connectHandler(s -> new LookupProtocolV1(this, s));
            http = new HttpApi(this);
            return tcpServer.listen(tcp.port(), tcp.host())
                    .onSuccess(s -> log.info("TCP: listening on {}:{}", tcp.host(), s.actualPort()))
                    .compose(s -> http.listen());
        }).compose(x -> {
            if (ClusterBootstrap.nodeId(vertx) == null) return Future.succeededFuture();
            cluster = new ClusterRegistrations(vertx, db);
            return cluster.start();
        }).onSuccess(x -> log.info("nsqlookupd v{} started (TCP {}, HTTP {})", dev.nsq.protocol.Version.NSQ_VERSION,
                tcpPort(), httpPort()));
    }

    public int tcpPort() { return tcpServer == null ? -1 : tcpServer.actualPort(); }

    public int httpPort() { return http == null ? -1 : http.port(); }

    @Override
    public Future<Void> stop() {
        if (vertx == null) return Future.succeededFuture();
        Future<Void> done = Future.succeededFuture();
        if (cluster != null) done = done.eventually(() -> cluster.close());
        if (tcpServer != null) done = done.eventually(() -> tcpServer.close());
        if (http != null) done = done.eventually(() -> http.close());
        if (ownsVertx) done = done.eventually(() -> vertx.close());
        return done.onComplete(x -> log.info("nsqlookupd stopped"));
    }

    NsqlookupdOptions options() { return options; }

    RegistrationDB db() { return db; }

    Vertx vertx() { return vertx; }
}
