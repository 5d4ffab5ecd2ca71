package dev.nsq.nsqd;

import dev.nsq.protocol.MessageId;
import dev.nsq.protocol.json.PeekedMessages;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

import static dev.nsq.daemon.HttpEnvelope.error;
import static dev.nsq.daemon.HttpEnvelope.json;
import static dev.nsq.daemon.HttpEnvelope.param;

/**
 * {@code GET /topic/peek?topic=T&count=N} and {@code GET /channel/peek?topic=T&channel=C&count=N}
 * (ours, nsqio/nsq #1482, #1412, #375): up to N (default 1, at most 100) of the messages next in
 * delivery order, from memory and disk, without consuming them. In-flight and deferred messages
 * are not next in line, so they are not shown. Errors as the other /topic and /channel routes,
 * plus 400 {@code INVALID_COUNT}.
 */
final class PeekRoutes {
    static final int MAX_COUNT = 100;
    private final Nsqd nsqd;
    private final TopicChannelRoutes lookup;

    PeekRoutes(Nsqd nsqd, TopicChannelRoutes lookup) {
        this.nsqd = nsqd;
        this.lookup = lookup;
    }

    void topic(RoutingContext ctx) {
        int count = count(ctx);
        if (count < 0) return;
        Topic t = lookup.validExistingTopic(ctx);
        if (t == null) return;
        answer(ctx, t.peek(count));
    }

    void channel(RoutingContext ctx) {
        int count = count(ctx);
        if (count < 0) return;
        Channel c = lookup.existingChannel(ctx);
        if (c == null) return;
        answer(ctx, c.peek(count));
    }

    /** The count asked for, clamped to {@link #MAX_COUNT}; -1 (answered 400) when it is not a positive number. */
    private static int count(RoutingContext ctx) {
        String v = param(ctx, "count");
        if (v == null) return 1;
        long n = ProtocolV2.base10(v);
        if (n < 1) {
            error(ctx, 400, "INVALID_COUNT");
            return -1;
        }
        return (int) Math.min(n, MAX_COUNT);
    }

    private void answer(RoutingContext ctx, Future<List<Message>> peeked) {
        OnLoop.whenDone(nsqd.vertx().getOrCreateContext(), peeked, (msgs, cause) -> {
            if (cause != null) {
                error(ctx, 500, "INTERNAL_ERROR - " + HttpApi.reason(cause));
                return;
            }
            List<PeekedMessages.Peeked> out = new ArrayList<>(msgs.size());
            for (Message m : msgs) out.add(new PeekedMessages.Peeked(MessageId.toHex(m.id), m.attempts, m.timestampNs, m.body));
            json(ctx, new PeekedMessages(out));
        });
    }
}
