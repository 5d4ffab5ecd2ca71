package dev.nsq.nsqd;

import dev.nsq.daemon.HttpEnvelope;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

import static dev.nsq.daemon.HttpEnvelope.error;
import static dev.nsq.daemon.HttpEnvelope.param;

/** {@code POST /pub} and {@code POST /mpub}, checked in NSQ's order so each failure gets NSQ's status. */
final class HttpPublish {
    private final Nsqd nsqd;
    private final NsqdOptions opts;

    HttpPublish(Nsqd nsqd, HttpApi api) {
        this.nsqd = nsqd;
        this.opts = nsqd.options();
    }

    void pub(RoutingContext ctx) {
        String cl = ctx.request().getHeader("Content-Length");
        if (cl != null && parseLong(cl) > opts.maxMsgSize) {
            error(ctx, 413, "MSG_TOO_BIG");
            return;
        }
        HttpApi.readBody(ctx.request(), opts.maxMsgSize).onComplete(ar -> {
            if (ar.failed()) {
                error(ctx, 500, "INTERNAL_ERROR");
                return;
            }
            Buffer body = ar.result();
            if (body == null) {
                error(ctx, 413, "MSG_TOO_BIG");
                return;
            }
            if (body.length() == 0) {
                error(ctx, 400, "MSG_EMPTY");
                return;
            }
            String topic = topicOrFail(ctx);
            if (topic == null) return;
            long deferMs = 0;
            String d = param(ctx, "defer");
            if (d != null) {
                try {
                    deferMs = Long.parseLong(d);
                } catch (NumberFormatException e) {
                    error(ctx, 400, "INVALID_DEFER");
                    return;
                }
                if (deferMs < 0 || deferMs > opts.maxReqTimeoutMs) {
                    error(ctx, 400, "INVALID_DEFER");
                    return;
                }
            }
            finish(ctx, topic, List.of(body.getBytes()), deferMs);
        });
    }

    void mpub(RoutingContext ctx) {
        String cl = ctx.request().getHeader("Content-Length");
        if (cl != null && parseLong(cl) > opts.maxBodySize) {
            error(ctx, 413, "BODY_TOO_BIG");
            return;
        }
        String topic = topicOrFail(ctx);
        if (topic == null) return;
        String binary = param(ctx, "binary");
        boolean isBinary = binary != null && !binary.equals("false") && !binary.equals("0");
        HttpApi.readBody(ctx.request(), opts.maxBodySize).onComplete(ar -> {
            if (ar.failed()) {
                error(ctx, 500, "INTERNAL_ERROR");
                return;
            }
            Buffer body = ar.result();
            if (body == null) {
                error(ctx, 413, "BODY_TOO_BIG");
                return;
            }
            List<byte[]> bodies = new ArrayList<>();
            String err = isBinary ? splitBinary(body, bodies) : splitLines(body, bodies);
            if (err != null) {
                error(ctx, 413, err);
                return;
            }
            finish(ctx, topic, bodies, 0);
        });
    }

    /** Newline-separated messages; empty lines are skipped, as NSQ has done since 0.2.22. */
    private String splitLines(Buffer body, List<byte[]> out) {
        byte[] all = body.getBytes();
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                int len = i - start;
                if (len > opts.maxMsgSize) return "MSG_TOO_BIG";
                if (len > 0) {
                    byte[] m = new byte[len];
                    System.arraycopy(all, start, m, 0, len);
                    out.add(m);
                }
                start = i + 1;
            }
        }
        return null;
    }

    /** The TCP MPUB body format; a failure is the TCP error code without its "E_". */
    private String splitBinary(Buffer body, List<byte[]> out) {
        ByteBuf b = ((io.vertx.core.internal.buffer.BufferInternal) body).getByteBuf();
        if (b.readableBytes() < 4) return "BAD_BODY";
        int count = b.readInt();
        long maxMessages = (opts.maxBodySize - 4) / 5;
        if (count <= 0 || count > maxMessages) return "BAD_BODY";
        for (int i = 0; i < count; i++) {
            if (b.readableBytes() < 4) return "BAD_MESSAGE";
            int size = b.readInt();
            if (size <= 0 || size > opts.maxMsgSize || b.readableBytes() < size) return "BAD_MESSAGE";
            byte[] m = new byte[size];
            b.readBytes(m);
            out.add(m);
        }
        return null;
    }

    private void finish(RoutingContext ctx, String topic, List<byte[]> bodies, long deferMs) {
        if (bodies.isEmpty()) {
            nsqd.getOrCreateTopic(topic);
            HttpEnvelope.ok(ctx);
            return;
        }
        io.vertx.core.Context loop = nsqd.vertx().getOrCreateContext();
        nsqd.publish(topic, bodies, deferMs).whenComplete((v, e) -> loop.runOnContext(x -> {
            if (e == null) HttpEnvelope.ok(ctx);
            else if (nsqd.isExiting()) error(ctx, 503, "EXITING");
            else if (QueueFullException.isCause(e)) error(ctx, 503, "QUEUE_FULL"); // --max-bytes-per-queue
            else error(ctx, 500, "INTERNAL_ERROR - " + HttpApi.reason(e));
        }));
    }

    /** NSQ's getTopicFromQuery: MISSING_ARG_TOPIC, INVALID_TOPIC. */
    static String topicOrFail(RoutingContext ctx) {
        String topic = param(ctx, "topic");
        if (topic == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return null;
        }
        if (!HttpApi.validName(topic)) {
            error(ctx, 400, "INVALID_TOPIC");
            return null;
        }
        return topic;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
