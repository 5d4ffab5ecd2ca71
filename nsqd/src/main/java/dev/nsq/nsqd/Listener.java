package dev.nsq.nsqd;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * One event loop's share of nsqd's listeners: nsqd deploys --event-loops instances of this
 * verticle, each on its own event loop, each listening on the same TCP, HTTP and HTTPS ports.
 * Vert.x then hands each new connection to the next instance in turn, and the connection lives
 * on that instance's loop: connections spread over every core instead of one loop serving all.
 */
final class Listener extends VerticleBase {
    private final Nsqd nsqd;

    Listener(Nsqd nsqd) { this.nsqd = nsqd; }

    @Override
    public Future<?> start() {
        return nsqd.listenHere(context);
    }
}
