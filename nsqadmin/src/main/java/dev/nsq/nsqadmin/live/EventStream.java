package dev.nsq.nsqadmin.live;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * {@code GET /api/events}: a server-sent event stream of the sampler's snapshots ({@code event:
 * sample}), the last one first, so a page is drawn at once and then kept current without polling.
 * A client too slow to take the previous event skips samples rather than piling them up in memory.
 */
public final class EventStream {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);

    private final StatsSampler sampler;

    public EventStream(StatsSampler sampler) { this.sampler = sampler; }

    public void handle(RoutingContext ctx) {
        HttpServerResponse r = ctx.response();
        r.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("Content-Encoding", "identity") // compression would hold events back
                .putHeader("X-Accel-Buffering", "no");
        r.write("retry: 3000\n\n");
        Consumer<String> send = snap -> {
            if (r.closed() || r.ended()) return;
            if (r.writeQueueFull()) {
                log.debug("SSE: {} is slow, skipping a sample", ctx.request().remoteAddress());
                return;
            }
            r.write("event: sample\ndata: " + snap + "\n\n");
        };
        r.closeHandler(v -> sampler.removeListener(send));
        sampler.addListener(send);
        String last = sampler.latest();
        if (last != null) send.accept(last);
        else sampler.sample();
    }
}
