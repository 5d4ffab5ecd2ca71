package dev.nsq.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nsq.protocol.ErrorCodes;
import dev.nsq.protocol.FrameType;
import dev.nsq.protocol.HostPort;
import dev.nsq.protocol.NsqError;
import dev.nsq.protocol.Version;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One TCP connection to an nsqd speaking protocol V2: magic, IDENTIFY with feature negotiation,
 * heartbeats answered with NOP, and the queue of commands awaiting a reply. nsqd answers the
 * commands of one connection in order, so replies are matched to the oldest waiting command.
 * Confined to the event loop of the context that opened it.
 */
final class NsqConnection {
    private static final Logger log = LoggerFactory.getLogger(NsqConnection.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] HEARTBEAT = "_heartbeat_".getBytes(StandardCharsets.US_ASCII);
    /** nsqd's largest frame is an MPUB-sized body; anything far above is a broken stream. */
    private static final int MAX_FRAME_SIZE = 64 * 1024 * 1024;
    /** Commands larger than this are written on their own rather than copied into the read batch. */
    private static final int BATCH_COPY_LIMIT = 4096;

    /** Events other than replies to our commands. */
    interface Listener {
        default void onMessage(NsqConnection c, Buffer data) {}

        /** An error frame that answers no waiting command (E_FIN_FAILED, E_REQ_FAILED, E_TOUCH_FAILED). */
        default void onError(NsqConnection c, NsqError e) {}

        default void onClose(NsqConnection c) {}
    }

    private final NetSocket socket;
    private final String address;
    private final Listener listener;
    private final ArrayDeque<Promise<Buffer>> awaiting = new ArrayDeque<>();
    private final FrameParser parser;
    private IdentifyResponse identify = IdentifyResponse.PLAIN;
    private boolean closed;
    /** True while frames of one read are dispatched, or while a caller batches; see {@link #send}. */
    private boolean reading;
    private Buffer batch;

    private NsqConnection(NetSocket socket, String address, Listener listener) {
        this.socket = socket;
        this.address = address;
        this.listener = listener;
        this.parser = new FrameParser(MAX_FRAME_SIZE, this::frame);
    }

    /** Connects, sends the magic and IDENTIFY; completes once nsqd accepted the IDENTIFY. */
    static Future<NsqConnection> open(NetClient net, HostPort addr, ClientConfig cfg, Listener listener) {
        String address = addr.host() + ":" + addr.port();
        return net.connect(addr.port(), addr.host()).compose(socket -> {
            NsqConnection c = new NsqConnection(socket, address, listener);
            c.wire();
            Buffer out = Buffer.buffer();
            out.appendString(Version.MAGIC_V2);
            Commands.identify(out, identifyBody(cfg));
            return c.request(out).compose(resp -> {
                try {
                    c.identify = IdentifyResponse.parse(resp.getBytes());
                } catch (Exception e) {
                    c.close();
                    return Future.failedFuture(new ConnectionClosedException("bad IDENTIFY response from " + address, e));
                }
                return c.identify.authRequired() ? c.auth(cfg.authSecret) : Future.succeededFuture(c);
            }, err -> {
                c.close();
                return Future.failedFuture(err);
            });
        });
    }

    /** AUTH, which nsqd asks for in its IDENTIFY response when it has an auth server. */
    private Future<NsqConnection> auth(String secret) {
        if (secret == null || secret.isEmpty()) {
            close();
            return Future.failedFuture(new ConnectionClosedException("nsqd " + address + " requires auth and no auth_secret is set"));
        }
        Buffer b = Buffer.buffer();
        Commands.auth(b, secret.getBytes(StandardCharsets.UTF_8));
        return request(b).map(resp -> {
            log.info("IO({}): auth accepted - {}", address, resp.toString(StandardCharsets.UTF_8));
            return this;
        });
    }

    private static byte[] identifyBody(ClientConfig cfg) {
        ObjectNode n = JSON.createObjectNode();
        n.put("client_id", cfg.clientId);
        n.put("hostname", cfg.hostname);
        n.put("user_agent", cfg.userAgent);
        n.put("feature_negotiation", true);
        n.put("heartbeat_interval", cfg.heartbeatIntervalMs);
        n.put("output_buffer_size", cfg.outputBufferSize);
        n.put("output_buffer_timeout", cfg.outputBufferTimeoutMs);
        n.put("msg_timeout", cfg.msgTimeoutMs);
        n.put("sample_rate", cfg.sampleRate);
        // TLS, snappy and deflate are not implemented: asking for them false keeps the stream plain
        n.put("tls_v1", false);
        n.put("snappy", false);
        n.put("deflate", false);
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void wire() {
        socket.handler(buf -> {
            reading = true;
            try {
                parser.feed(buf);
            } catch (RuntimeException e) {
                log.error("IO({}): failed to read frame - closing", address, e);
                close();
            } finally {
                reading = false;
                flushBatch();
            }
        });
        socket.exceptionHandler(e -> log.debug("IO({}): socket error - {}", address, e.toString()));
        socket.closeHandler(v -> closed());
    }

    private void frame(int type, Buffer data) {
        switch (type) {
            case FrameType.RESPONSE -> {
                if (data.length() == HEARTBEAT.length && Arrays.equals(data.getBytes(), HEARTBEAT)) {
                    Buffer nop = Buffer.buffer(4);
                    Commands.nop(nop);
                    send(nop);
                    return;
                }
                Promise<Buffer> p = awaiting.poll();
                if (p != null) p.complete(data);
                else log.debug("IO({}): response with no command waiting: {}", address, data);
            }
            case FrameType.ERROR -> {
                NsqError e = parseError(data.toString(StandardCharsets.UTF_8));
                if (!e.isFatal()) {
                    listener.onError(this, e);
                    return;
                }
                Promise<Buffer> p = awaiting.poll();
                if (p != null) p.fail(e);
                else listener.onError(this, e);
                // nsqd closes after a fatal error; closing now keeps new commands off the doomed connection
                close();
            }
            case FrameType.MESSAGE -> listener.onMessage(this, data);
            default -> {
                log.error("IO({}): unknown frame type {} - closing", address, type);
                close();
            }
        }
    }

    /** {@code "CODE description"}; FIN/REQ/TOUCH failures are the ones nsqd does not close for. */
    static NsqError parseError(String text) {
        int sp = text.indexOf(' ');
        String code = sp < 0 ? text : text.substring(0, sp);
        String desc = sp < 0 ? "" : text.substring(sp + 1);
        boolean nonFatal = code.equals(ErrorCodes.E_FIN_FAILED) || code.equals(ErrorCodes.E_REQ_FAILED)
                || code.equals(ErrorCodes.E_TOUCH_FAILED);
        return nonFatal ? NsqError.nonFatal(code, desc) : NsqError.fatal(code, desc);
    }

    /** Writes a command that nsqd answers with a response or error frame. */
    Future<Buffer> request(Buffer command) {
        Promise<Buffer> p = Promise.promise();
        if (closed) {
            p.fail(new ConnectionClosedException("connection to " + address + " is closed"));
            return p.future();
        }
        awaiting.add(p);
        write(command);
        return p.future();
    }

    /**
     * Writes several answered commands in one buffer; {@code replies[i]} gets the i-th reply. Used by
     * the producer to put a whole drained batch on the wire with one write.
     */
    void requestAll(Buffer commands, Promise<Buffer>[] replies, int count) {
        if (closed) {
            for (int i = 0; i < count; i++) replies[i].fail(new ConnectionClosedException("connection to " + address + " is closed"));
            return;
        }
        for (int i = 0; i < count; i++) awaiting.add(replies[i]);
        write(commands);
    }

    /**
     * Writes commands nsqd does not answer when they succeed (RDY, FIN, REQ, TOUCH, NOP). Sent while a
     * read is being handled (an async handler finishing at once), they are gathered into one write
     * at the end of the read: a burst of deliveries costs one FIN write, not one per message.
     */
    void send(Buffer command) {
        if (!closed) write(command);
    }

    /** Every write goes through here so the order on the wire is the order of the calls. */
    private void write(Buffer command) {
        if (reading && command.length() > BATCH_COPY_LIMIT) {
            // a big command (an MPUB) is not worth copying: send what is gathered, then it
            flushBatch();
            socket.write(command);
        } else if (reading) {
            if (batch == null) batch = Buffer.buffer(256);
            batch.appendBuffer(command);
        } else {
            socket.write(command);
        }
    }

    /**
     * Gathers what is written until {@link #endBatch()} into one write, as during a read. Used when
     * many responses from worker threads reach the event loop together.
     */
    void beginBatch() { reading = true; }

    void endBatch() {
        reading = false;
        flushBatch();
    }

    private void flushBatch() {
        Buffer b = batch;
        batch = null;
        if (b != null && !closed) socket.write(b);
    }

    int awaitingCount() { return awaiting.size(); }

    boolean isClosed() { return closed; }

    String address() { return address; }

    IdentifyResponse identify() { return identify; }

    /** Idempotent; the close handler fails what is still waiting. */
    void close() {
        if (!closed) {
            // a batched FIN must still reach nsqd, or the message would time out and come back
            Buffer b = batch;
            batch = null;
            if (b != null) socket.write(b);
            socket.close();
        }
        closed();
    }

    private void closed() {
        if (closed) return;
        closed = true;
        ConnectionClosedException e = new ConnectionClosedException("connection to " + address + " closed");
        Promise<Buffer> p;
        while ((p = awaiting.poll()) != null) p.fail(e);
        listener.onClose(this);
    }
}
