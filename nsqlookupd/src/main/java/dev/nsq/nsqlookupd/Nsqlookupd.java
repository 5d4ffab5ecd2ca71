package dev.nsq.nsqlookupd;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Skeleton; filled in next. */
public final class Nsqlookupd {
    public Nsqlookupd(NsqlookupdOptions options) { }
    public Nsqlookupd(Vertx vertx, NsqlookupdOptions options) { }
    public Future<Void> start() { return Future.failedFuture("not yet"); }
    public int tcpPort() { return 0; }
    public int httpPort() { return 0; }
    public Future<Void> stop() { return Future.succeededFuture(); }
}
