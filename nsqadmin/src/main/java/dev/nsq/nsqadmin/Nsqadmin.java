package dev.nsq.nsqadmin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Skeleton; filled in next. */
public final class Nsqadmin {
    public Nsqadmin(NsqadminOptions options) { }
    public Nsqadmin(Vertx vertx, NsqadminOptions options) { }
    public Future<Void> start() { return Future.failedFuture("not yet"); }
    public int httpPort() { return 0; }
    public Future<Void> stop() { return Future.succeededFuture(); }
}
