package dev.nsq.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nsq.protocol.ErrorCodes;
import dev.nsq.protocol.FrameType;
import dev.nsq.protocol.HostPort;
import dev.nsq.protocol.NsqError;
import dev.nsq.protocol.Version;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
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
    /** The command whose reply is followed by upgraded bytes: the parser stops after that reply. */
    private Promise<Buffer> suspendAfter;
    private final Context context = Vertx.currentContext();

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
            boolean asksUpgrade = cfg.tlsV1 || cfg.snappy || cfg.deflate;
            Promise<Buffer> identified = c.expect(asksUpgrade);
            c.write(out);
            return identified.future().compose(resp -> {
                try {
                    c.identify = IdentifyResponse.parse(resp.getBytes());
                } catch (Exception e) {
                    c.close();
                    return Future.failedFuture(new ConnectionClosedException("bad IDENTIFY response from " + address, e));
                }
                Future<Void> upgraded = asksUpgrade ? c.upgrade(cfg) : Future.succeededFuture();
                return upgraded.compose(v -> c.identify.authRequired() ? c.auth(cfg.authSecret) : Future.succeededFuture(c),
                        err -> {
                            c.close();
                            return Future.failedFuture(err);
                        });
            }, err -> {
                c.close();
                return Future.failedFuture(err);
            });
        });
    }

    /**
     * The upgrades nsqd granted, in NSQ's order, each confirmed by an OK sent already upgraded: TLS,
     * then snappy or deflate. The parser stopped after the IDENTIFY response (and stops after the
     * TLS OK when compression follows); each step runs on a later turn of the event loop, once the
     * read that stopped it has handed over what it held.
     */
    private Future<Void> upgrade(ClientConfig cfg) {
        boolean compress = identify.snappy() || identify.deflate();
        Future<Void> f = nextTurn();
        if (identify.tlsV1()) {
            f = f.compose(v -> {
                Promise<Buffer> ok = expect(compress);
                Buffer early = parser.resume();
                if (early != null && early.length() > 0)
                    return Future.failedFuture(new ConnectionClosedException("nsqd " + address + " sent plain bytes before the TLS handshake"));
                return socket.upgradeToSsl(Upgrades.tls(cfg)).compose(x -> ok.future()).<Void>mapEmpty();
            });
            if (compress) f = f.compose(v -> nextTurn());
        }
        if (compress) {
            f = f.compose(v -> {
                Promise<Buffer> ok = expect(false);
                NetSocketInternal so = (NetSocketInternal) socket;
                try {
                    if (identify.snappy()) Upgrades.snappy(so, parser.resume());
                    else Upgrades.deflate(so, cfg.deflateLevel, parser.resume());
                } catch (Exception e) {
                    return Future.failedFuture(e);
                }
                return ok.future().<Void>mapEmpty();
            });
        } else if (!identify.tlsV1()) {
            // asked, not granted: what was held is plain and is parsed now
            f = f.map(v -> {
                Buffer held = parser.resume();
                if (held != null) parser.feed(held);
                return null;
            });
        }
        return f;
    }

    /** Completes on a later turn of this connection's event loop. */
    private Future<Void> nextTurn() {
        Promise<Void> p = Promise.promise();
        context.runOnContext(v -> p.complete());
        return p.future();
    }

    /** A reply to wait for, first in line after those already awaited; {@code suspend}: stop parsing after it. */
    private Promise<Buffer> expect(boolean suspend) {
        Promise<Buffer> p = Promise.promise();
        awaiting.add(p);
        if (suspend) suspendAfter = p;
        return p;
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
        n.put("tls_v1", cfg.tlsV1);
        n.put("snappy", cfg.snappy);
        n.put("deflate", cfg.deflate);
        n.put("deflate_level", cfg.deflateLevel);
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
                if (p != null && p == suspendAfter) {
                    suspendAfter = null;
                    parser.suspend(); // what follows this reply is TLS or compressed
                }
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
