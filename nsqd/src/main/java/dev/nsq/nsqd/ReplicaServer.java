package dev.nsq.nsqd;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.nio.charset.StandardCharsets;

/**
 * Where a follower takes its leaders' streams: a TCP listener of its own, on the nsqd's TCP host
 * and a port the OS picks, filed with this node's address in the cluster (docs/replication.md).
 * Frames both ways are a 4-byte big-endian size and a body; a request's body is a
 * {@link ReplicaOps} request, an answer's is a status byte ({@link #OK}, {@link #STALE},
 * {@link #REFUSED}) and a reason. Answers go back in the order of the requests, whenever each
 * request's work completes. The stream first went over Vert.x's clustered event bus: a single
 * replicated PUB took a median 593 µs there against 290 µs over this connection (one run each on
 * this 2-core machine, bench/rtt.py), and the event bus has rare stalls of 5-22 ms
 * (docs/performance-notes.md).
 */
final class ReplicaServer {
    static final byte OK = 0;
    static final byte STALE = 1;
    static final byte REFUSED = 2;

    /** What a follower does with one request: answers through {@code reply}, at once or later. */
    interface Handler {
        void handle(Buffer request, Promise<Buffer> reply);
    }

    private final NetServer server;

    private ReplicaServer(NetServer server) { this.server = server; }

    /** Listens on {@code host}, port 0; call on the context the handler must run on. */
    static Future<ReplicaServer> listen(Vertx vertx, String host, Handler handler) {
        NetServer server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true));
        server.connectHandler(so -> serve(so, handler));
        return server.listen(0, host).map(ReplicaServer::new);
    }

    int port() { return server.actualPort(); }

    Future<Void> close() { return server.close(); }

    private static void serve(NetSocket so, Handler handler) {
        // answers complete on any thread (a disk write's, the loop's): they are written from the
        // connection's own context, queued, so they keep their order on the wire
        io.vertx.core.Context loop = Vertx.currentContext();
        Future<?>[] previous = {Future.succeededFuture()};
        so.handler(frames(chunk -> {
            Promise<Buffer> reply = Promise.promise();
            handler.handle(chunk, reply);
            // in order: each answer after the one before it
            Future<?> before = previous[0];
            Future<Buffer> answer = reply.future().recover(e -> Future.succeededFuture(answer(REFUSED, String.valueOf(e.getMessage()))));
            previous[0] = Future.join(before, answer).onComplete(x -> {
                Buffer body = answer.result();
                loop.runOnContext(v -> so.write(Buffer.buffer(4 + body.length()).appendInt(body.length()).appendBuffer(body)));
            });
        }));
    }

    /** Splits a connection's bytes into frames (4-byte size, then that many bytes), both ways. */
    static RecordParser frames(java.util.function.Consumer<Buffer> onFrame) {
        RecordParser parser = RecordParser.newFixed(4);
        int[] size = {-1};
        parser.handler(chunk -> {
            if (size[0] < 0) {
                size[0] = chunk.getInt(0);
                parser.fixedSizeMode(size[0]);
                return;
            }
            size[0] = -1;
            parser.fixedSizeMode(4);
            onFrame.accept(chunk);
        });
        return parser;
    }

    /** An answer's body: a status and a reason. */
    static Buffer answer(byte status, String reason) {
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        return Buffer.buffer(1 + text.length).appendByte(status).appendBytes(text);
    }
}
