package dev.nsq.nsqd;

import dev.nsq.protocol.CommandReader;
import dev.nsq.protocol.Frames;
import dev.nsq.protocol.IdentifyRequest;
import dev.nsq.protocol.MessageId;
import dev.nsq.protocol.Names;
import dev.nsq.protocol.NsqError;
import dev.nsq.protocol.Version;
import io.netty.buffer.ByteBuf;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Future;
import io.vertx.core.internal.net.NetSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.nsq.protocol.ErrorCodes.*;

/**
 * The client protocol V2 on one connection: magic, then one method per command, each starting
 * with its state guard, answering with NSQ's exact frames and error texts. Fatal errors send the
 * error frame and close; E_FIN_FAILED, E_REQ_FAILED and E_TOUCH_FAILED leave the connection open.
 *
 * <p>Confined to the connection's event loop.
 */
final class ProtocolV2 implements CommandReader.LineHandler {
    private static final Logger log = LoggerFactory.getLogger(ProtocolV2.class);
    /** NSQ reads command lines through a 16 KiB buffered reader and gives up on longer lines. */
    private static final int MAX_LINE = 16 * 1024;
    /**
     * Commands (lines and the reads behind them) parsed per turn before a connection lets the
     * others on its event loop go first: two MPUBs of 200 messages fit, a flood does not.
     */
    private static final int STEPS_PER_TURN = 1024;

    private final Nsqd nsqd;
    private final NsqdOptions opts;
    private final ClientV2 client;
    private final CommandReader reader;
    private final ClientTimers timers;
    /** Asynchronous steps (auth query, TLS handshake, disk write) holding the reader; see {@link #hold}. */
    private int holds;
    /** Netty's auto-read for this socket, as last set by {@link #updateReading()}. */
    private boolean reading = true;
    /** A continuation of a reader that used up its turn is queued; see {@link #yieldLoop()}. */
    private boolean yielded;

    ProtocolV2(Nsqd nsqd, ClientV2 client) {
        this.nsqd = nsqd;
        this.opts = nsqd.options();
        this.client = client;
        this.reader = new CommandReader(this, MAX_LINE, STEPS_PER_TURN);
        this.timers = new ClientTimers(nsqd.vertx(), client, this::closeQuietly);
    }

    /** Wires the socket: bytes into the reader, drain into flow control, close into cleanup. */
    void start() {
        NetSocketInternal so = client.socket;
        reader.read(4, this::magic);
        so.messageHandler(msg -> {
            if (msg instanceof ByteBuf b) {
                client.output.startBatch();
                try {
                    if (!reader.feed(b)) yieldLoop();
                } finally {
                    b.release();
                    client.output.endBatch();
                }
                updateReading();
            }
        });
        client.output.onDrained(() -> {
            updateReading();
            Channel ch = client.channel;
            if (ch != null) ch.clientReady(); // deliveries stopped while it was full
        });
        so.exceptionHandler(t -> log.debug("PROTOCOL(V2): [{}] socket error - {}", client, t.toString()));
        so.closeHandler(v -> cleanup("connection closed"));
    }

    // ---- flow control ------------------------------------------------------------------------

    /**
     * Reads from the socket only while the connection is keeping up: no asynchronous step holds
     * the reader, its replies are draining, and it has not used up its turn. Otherwise Netty's
     * auto-read is off, so what is buffered from a client is at most the command being read plus
     * one read, whatever it sends: NSQ gets this from blocking I/O.
     */
    private void updateReading() {
        boolean read = holds == 0 && !yielded && !client.output.isFull() && !reader.isStopped();
        if (read == reading) return;
        reading = read;
        client.socket.channelHandlerContext().channel().config().setAutoRead(read);
    }

    /**
     * The reader used up its turn with commands still buffered: the rest is parsed in a task of
     * its own, after the other connections of this event loop had theirs.
     */
    private void yieldLoop() {
        yielded = true;
        client.context.runOnContext(v -> {
            yielded = false;
            client.output.startBatch();
            try {
                if (!reader.proceed()) yieldLoop();
            } finally {
                client.output.endBatch();
            }
            updateReading();
        });
    }

    private void magic(ByteBuf b) {
        String magic = b.toString(StandardCharsets.ISO_8859_1);
        if (!Version.MAGIC_V2.equals(magic)) {
            log.error("client({}) bad protocol magic '{}'", client, magic);
            fail(NsqError.fatal(E_BAD_PROTOCOL, ""));
            return;
        }
        log.info("TCP: new client({})", client);
        timers.start();
    }

    @Override
    public void onLine(List<String> parts) throws NsqError {
        timers.lineRead();
        String cmd = parts.get(0);
        // NSQ checks this before looking at the command, so unknown commands get it too
        if (opts.tlsRequired != NsqdOptions.TlsRequired.FALSE && !client.settings.tls && !cmd.equals("IDENTIFY"))
            throw NsqError.fatal(E_INVALID, "cannot " + cmd + " in current state (TLS required)");
        switch (cmd) {
            case "FIN" -> fin(parts);
            case "RDY" -> rdy(parts);
            case "REQ" -> req(parts);
            case "PUB" -> pub(parts);
            case "MPUB" -> mpub(parts);
            case "DPUB" -> dpub(parts);
            case "NOP" -> { }
            case "TOUCH" -> touch(parts);
            case "SUB" -> sub(parts);
            case "CLS" -> cls();
            case "IDENTIFY" -> identify();
            case "AUTH" -> auth(parts);
            default -> throw NsqError.fatal(E_INVALID, "invalid command " + cmd);
        }
    }

    /** "FIN " as one big-endian int, to spot a FIN line with one compare. */
    private static final int FIN_SPACE = ('F' << 24) | ('I' << 16) | ('N' << 8) | ' ';

    /**
     * FIN, the command a consumer sends once per message, straight from the line's bytes: no
     * Strings, no list. Anything but {@code FIN <16 chars>} (and any connection still owing TLS)
     * goes the general way, which answers exactly as before.
     */
    @Override
    public boolean onRawLine(ByteBuf line, int start, int end) throws NsqError {
        if (end - start != 4 + MessageId.LENGTH || line.getInt(start) != FIN_SPACE) return false;
        if (opts.tlsRequired != NsqdOptions.TlsRequired.FALSE && !client.settings.tls) return false;
        timers.lineRead();
        requireSubscribedOrClosing("FIN");
        String err = client.channel.finish(client, MessageId.parse(line, start + 4, MessageId.LENGTH));
        if (err != null) {
            String id = line.toString(start + 4, MessageId.LENGTH, StandardCharsets.UTF_8);
            throw NsqError.nonFatal(E_FIN_FAILED, "FIN " + id + " failed " + err);
        }
        return true;
    }

    @Override
    public void onLineTooLong() {
        log.error("PROTOCOL(V2): [{}] failed to read command - line too long", client);
        closeQuietly();
    }

    @Override
    public void onFailure(Throwable t) {
        if (t instanceof NsqError e) {
            fail(e);
        } else {
            log.error("PROTOCOL(V2): [{}] internal error", client, t);
            fail(NsqError.fatal("E_INTERNAL", "internal error"));
        }
    }

    /** Sends the error frame; a fatal error also ends the connection, NSQ's rule. */
    private void fail(NsqError e) {
        if (!e.isFatal()) {
            client.sendError(e.wireText());
            return;
        }
        reader.stop();
        log.error("PROTOCOL(V2): [{}] {}", client, e.wireText());
        // E_BAD_PROTOCOL is sent bare, as NSQ does before the protocol is chosen
        client.sendError(e.description().isEmpty() ? e.code() : e.wireText());
        client.output.endBatch(); // out before the close
        client.socket.close();
    }

    // ---- commands ------------------------------------------------------------------------

    private void identify() throws NsqError {
        if (client.state != ClientV2.State.INIT) throw NsqError.fatal(E_INVALID, "cannot IDENTIFY in current state");
        reader.read(4, sizeBuf -> {
            int size = sizeBuf.readInt();
            if (size > opts.maxBodySize)
                throw NsqError.fatal(E_BAD_BODY, "IDENTIFY body too big " + size + " > " + opts.maxBodySize);
            if (size <= 0) throw NsqError.fatal(E_BAD_BODY, "IDENTIFY invalid body size " + size);
            reader.read(size, body -> identifyBody(bytes(body)));
        });
    }

    private void identifyBody(byte[] body) throws NsqError {
        IdentifyRequest req;
        try {
            req = IdentifyRequest.decode(body);
        } catch (IdentifyRequest.DecodeException e) {
            throw NsqError.fatal(E_BAD_BODY, "IDENTIFY failed to decode JSON body");
        }
        String err = Identify.apply(client.settings, req, opts);
        if (err != null) throw NsqError.fatal(E_BAD_BODY, "IDENTIFY " + err);
        timers.restartHeartbeat();
        if (!req.featureNegotiation) {
            client.sendResponse(Frames.OK);
            return;
        }
        Identify.Features f = Identify.Features.negotiate(req, opts, nsqd.tls() != null);
        if (f.deflate() && f.snappy())
            throw NsqError.fatal(E_IDENTIFY_FAILED, "cannot enable both deflate and snappy compression");
        client.sendResponse(Identify.response(client.settings, f, opts, nsqd.authRequired()));
        if (!f.tls()) {
            compress(f);
            return;
        }
        // the JSON went out in plain text; from here the client speaks TLS, and says nothing
        // until it has read our OK, so no command byte can arrive during the handshake
        log.info("PROTOCOL(V2): [{}] upgrading connection to TLS", client);
        hold();
        SslHandler ssl = nsqd.tls().newHandler(client.socket.channelHandlerContext().alloc());
        client.socket.channelHandlerContext().pipeline().addFirst(Tls.HANDLER, ssl);
        ssl.handshakeFuture().addListener(done -> continueOnLoop(() -> {
            if (!done.isSuccess()) throw NsqError.fatal(E_IDENTIFY_FAILED, "IDENTIFY failed " + done.cause().getMessage());
            client.settings.tlsSession = ssl.engine().getSession();
            client.settings.tls = true;
            client.sendResponse(Frames.OK);
            compress(f);
        }));
    }

    /** Snappy or deflate after TLS, as NSQ: the codecs go in, then an OK that is already compressed. */
    private void compress(Identify.Features f) {
        if (f.snappy()) {
            log.info("PROTOCOL(V2): [{}] upgrading connection to snappy", client);
            Compression.snappy(client.socket);
            client.settings.snappy = true;
            client.sendResponse(Frames.OK);
        }
        if (f.deflate()) {
            log.info("PROTOCOL(V2): [{}] upgrading connection to deflate (level {})", client, f.deflateLevel());
            Compression.deflate(client.socket, f.deflateLevel());
            client.settings.deflate = true;
            client.settings.deflateLevel = f.deflateLevel();
            client.sendResponse(Frames.OK);
        }
    }

    private void auth(List<String> p) throws NsqError {
        if (client.state != ClientV2.State.INIT) throw NsqError.fatal(E_INVALID, "cannot AUTH in current state");
        if (p.size() != 1) throw NsqError.fatal(E_INVALID, "AUTH invalid number of parameters");
        reader.read(4, sizeBuf -> {
            int size = sizeBuf.readInt();
            if (size > opts.maxBodySize)
                throw NsqError.fatal(E_BAD_BODY, "AUTH body too big " + size + " > " + opts.maxBodySize);
            if (size <= 0) throw NsqError.fatal(E_BAD_BODY, "AUTH invalid body size " + size);
            reader.read(size, body -> authBody(new String(bytes(body), StandardCharsets.UTF_8)));
        });
    }

    private void authBody(String secret) throws NsqError {
        Authorizations current = client.auth;
        if (current != null && current.hasGrants()) throw NsqError.fatal(E_INVALID, "AUTH already set");
        if (!nsqd.authRequired()) throw NsqError.fatal(E_AUTH_DISABLED, "AUTH disabled");
        client.authSecret = secret;
        hold();
        queryAuth().onComplete(ar -> continueOnLoop(() -> {
            grant(ar);
            if (!ar.result().hasGrants()) throw NsqError.fatal(E_UNAUTHORIZED, "AUTH no authorizations found");
            client.sendResponse(ar.result().response());
        }));
    }

    private io.vertx.core.Future<Authorizations> queryAuth() {
        return nsqd.authClient().query(client.remoteIp, client.settings.tls, Tls.commonName(client.settings.tlsSession), client.authSecret);
    }

    /** The auth server's answer becomes the client's grant; a failed query is NSQ's E_AUTH_FAILED. */
    private void grant(io.vertx.core.AsyncResult<Authorizations> ar) throws NsqError {
        if (ar.failed()) {
            // the reason stays in our log: it is no business of an untrusted client
            log.warn("PROTOCOL(V2): [{}] AUTH failed {}", client, ar.cause().getMessage());
            throw NsqError.fatal(E_AUTH_FAILED, "AUTH failed");
        }
        client.auth = ar.result();
    }

    private interface AuthorizedStep {
        void run() throws NsqError;
    }

    /**
     * NSQ's CheckAuth: with auth enabled the client must have a grant; an expired grant is asked
     * for again first (the reader waits), then the command runs only if the grant allows it.
     */
    private void checkAuth(String cmd, String topic, String channel, AuthorizedStep then) throws NsqError {
        if (!nsqd.authRequired()) {
            then.run();
            return;
        }
        Authorizations a = client.auth;
        if (a == null || !a.hasGrants()) throw NsqError.fatal(E_AUTH_FIRST, "AUTH required before " + cmd);
        if (!a.isExpired(System.currentTimeMillis())) {
            authorized(a, cmd, topic, channel, then);
            return;
        }
        hold();
        queryAuth().onComplete(ar -> continueOnLoop(() -> {
            grant(ar);
            authorized(ar.result(), cmd, topic, channel, then);
        }));
    }

    private static void authorized(Authorizations a, String cmd, String topic, String channel, AuthorizedStep then) throws NsqError {
        if (!a.isAllowed(topic, channel))
            throw NsqError.fatal(E_UNAUTHORIZED, "AUTH failed for " + cmd + " on " + Names.goQuote(topic) + " " + Names.goQuote(channel));
        then.run();
    }

    /**
     * Holds the reader while an asynchronous step runs; parsing resumes when the last hold is
     * released, so a step started from another step's continuation (a disk write after an auth
     * re-query) keeps the commands answered in order.
     */
    private void hold() {
        holds++;
        reader.pause();
        updateReading();
    }

    private void release() {
        if (--holds > 0) return;
        if (!reader.resume()) yieldLoop();
        updateReading();
    }

    /** What an asynchronous step does next, on the connection's loop. */
    interface Continuation {
        void run() throws NsqError;
    }

    /**
     * Runs the rest of an asynchronous step on the connection's loop and releases the reader its
     * {@link #hold()} paused. Whatever it throws is answered: an NsqError as such, anything else
     * as NSQ's internal error (logged, E_INTERNAL, connection closed); never a reader left paused.
     */
    void continueOnLoop(Continuation next) {
        client.context.runOnContext(v -> resume(next));
    }

    /** {@link #continueOnLoop}'s body, for a caller already on the connection's loop. */
    private void resume(Continuation next) {
        try {
            next.run();
            release();
        } catch (NsqError e) {
            fail(e);
            if (!e.isFatal()) release();
        } catch (Throwable t) {
            onFailure(t);
        }
    }

    private void sub(List<String> p) throws NsqError {
        if (client.state != ClientV2.State.INIT) throw NsqError.fatal(E_INVALID, "cannot SUB in current state");
        if (client.settings.heartbeatIntervalMs <= 0) throw NsqError.fatal(E_INVALID, "cannot SUB with heartbeats disabled");
        if (p.size() < 3) throw NsqError.fatal(E_INVALID, "SUB insufficient number of parameters");
        String topicName = p.get(1), channelName = p.get(2);
        if (!Names.isValid(topicName))
            throw NsqError.fatal(E_BAD_TOPIC, "SUB topic name " + Names.goQuote(topicName) + " is not valid");
        if (!Names.isValid(channelName))
            throw NsqError.fatal(E_BAD_CHANNEL, "SUB channel name " + Names.goQuote(channelName) + " is not valid");
        checkAuth("SUB", topicName, channelName, () -> {
            String err = nsqd.subscribe(client, topicName, channelName);
            if (err != null) throw NsqError.fatal(E_SUB_FAILED, "SUB failed " + err);
            client.sendResponse(Frames.OK);
        });
    }

    private void rdy(List<String> p) throws NsqError {
        ClientV2.State state = client.state;
        if (state == ClientV2.State.CLOSING) return; // NSQ ignores RDY while closing
        if (state != ClientV2.State.SUBSCRIBED) throw NsqError.fatal(E_INVALID, "cannot RDY in current state");
        long count = 1;
        if (p.size() > 1) {
            count = base10(p.get(1));
            if (count == NOT_A_NUMBER) throw NsqError.fatal(E_INVALID, "RDY could not parse count " + p.get(1));
        }
        if (count < 0 || count > opts.maxRdyCount)
            throw NsqError.fatal(E_INVALID, "RDY count " + count + " out of range 0-" + opts.maxRdyCount);
        client.readyCount = (int) count;
        client.channel.clientReady();
    }

    private void fin(List<String> p) throws NsqError {
        requireSubscribedOrClosing("FIN");
        if (p.size() < 2) throw NsqError.fatal(E_INVALID, "FIN insufficient number of params");
        long id = messageId(p.get(1));
        String err = client.channel.finish(client, id);
        if (err != null) throw NsqError.nonFatal(E_FIN_FAILED, "FIN " + p.get(1) + " failed " + err);
    }

    private void req(List<String> p) throws NsqError {
        requireSubscribedOrClosing("REQ");
        if (p.size() < 3) throw NsqError.fatal(E_INVALID, "REQ insufficient number of params");
        long id = messageId(p.get(1));
        long timeoutMs = base10(p.get(2));
        if (timeoutMs == NOT_A_NUMBER) throw NsqError.fatal(E_INVALID, "REQ could not parse timeout " + p.get(2));
        long clamped = Math.max(0, Math.min(timeoutMs, opts.maxReqTimeoutMs));
        if (clamped != timeoutMs) log.info("PROTOCOL(V2): [{}] REQ timeout {} out of range 0-{}. Setting to {}", client, timeoutMs, opts.maxReqTimeoutMs, clamped);
        String err = client.channel.requeue(client, id, clamped);
        if (err != null) throw NsqError.nonFatal(E_REQ_FAILED, "REQ " + p.get(1) + " failed " + err);
    }

    private void touch(List<String> p) throws NsqError {
        requireSubscribedOrClosing("TOUCH");
        if (p.size() < 2) throw NsqError.fatal(E_INVALID, "TOUCH insufficient number of params");
        long id = messageId(p.get(1));
        String err = client.channel.touch(client, id);
        if (err != null) throw NsqError.nonFatal(E_TOUCH_FAILED, "TOUCH " + p.get(1) + " failed " + err);
    }

    private void cls() throws NsqError {
        if (client.state != ClientV2.State.SUBSCRIBED) throw NsqError.fatal(E_INVALID, "cannot CLS in current state");
        client.readyCount = 0;
        client.state = ClientV2.State.CLOSING;
        client.sendResponse(Frames.CLOSE_WAIT);
    }

    private void pub(List<String> p) throws NsqError {
        if (p.size() < 2) throw NsqError.fatal(E_INVALID, "PUB insufficient number of parameters");
        String topicName = p.get(1);
        if (!Names.isValid(topicName))
            throw NsqError.fatal(E_BAD_TOPIC, "PUB topic name " + Names.goQuote(topicName) + " is not valid");
        readMessageBody("PUB", body -> checkAuth("PUB", topicName, "",
                () -> publish("PUB", E_PUB_FAILED, topicName, List.of(body), 0)));
    }

    private void dpub(List<String> p) throws NsqError {
        if (p.size() < 3) throw NsqError.fatal(E_INVALID, "DPUB insufficient number of parameters");
        String topicName = p.get(1);
        if (!Names.isValid(topicName))
            throw NsqError.fatal(E_BAD_TOPIC, "DPUB topic name " + Names.goQuote(topicName) + " is not valid");
        long deferMs = base10(p.get(2));
        if (deferMs == NOT_A_NUMBER) throw NsqError.fatal(E_INVALID, "DPUB could not parse timeout " + p.get(2));
        if (deferMs < 0 || deferMs > opts.maxReqTimeoutMs)
            throw NsqError.fatal(E_INVALID, "DPUB timeout " + deferMs + " out of range 0-" + opts.maxReqTimeoutMs);
        readMessageBody("DPUB", body -> checkAuth("DPUB", topicName, "",
                () -> publish("DPUB", E_DPUB_FAILED, topicName, List.of(body), deferMs)));
    }

    private interface BodyHandler {
        void accept(byte[] body) throws NsqError;
    }

    private void readMessageBody(String cmd, BodyHandler then) {
        reader.read(4, sizeBuf -> {
            int size = sizeBuf.readInt();
            if (size <= 0) throw NsqError.fatal(E_BAD_MESSAGE, cmd + " invalid message body size " + size);
            if (size > opts.maxMsgSize)
                throw NsqError.fatal(E_BAD_MESSAGE, cmd + " message too big " + size + " > " + opts.maxMsgSize);
            reader.read(size, body -> then.accept(bytes(body)));
        });
    }

    private void mpub(List<String> p) throws NsqError {
        if (p.size() < 2) throw NsqError.fatal(E_INVALID, "MPUB insufficient number of parameters");
        String topicName = p.get(1);
        if (!Names.isValid(topicName)) // NSQ's own text repeats the code here
            throw NsqError.fatal(E_BAD_TOPIC, "E_BAD_TOPIC MPUB topic name " + Names.goQuote(topicName) + " is not valid");
        // NSQ checks auth, then creates the topic, before reading the body
        checkAuth("MPUB", topicName, "", () -> {
            nsqd.getOrCreateTopic(topicName);
            mpubBody(topicName);
        });
    }

    private void mpubBody(String topicName) {
        reader.read(4, sizeBuf -> {
            int size = sizeBuf.readInt();
            if (size <= 0) throw NsqError.fatal(E_BAD_BODY, "MPUB invalid body size " + size);
            if (size > opts.maxBodySize)
                throw NsqError.fatal(E_BAD_BODY, "MPUB body too big " + size + " > " + opts.maxBodySize);
            reader.read(4, countBuf -> {
                int count = countBuf.readInt();
                long maxMessages = (opts.maxBodySize - 4) / 5;
                if (count <= 0 || count > maxMessages)
                    throw NsqError.fatal(E_BAD_BODY, "MPUB invalid message count " + count);
                reader.read(4, new MpubMessages(topicName, count));
            });
        });
    }

    /**
     * Reads an MPUB's messages streaming, as NSQ's readMPUB: each size is judged before its body is
     * awaited. One object per MPUB serves every step (a lambda per step cost two objects a message).
     */
    private final class MpubMessages implements CommandReader.Step {
        private final String topicName;
        private final int count;
        private final List<byte[]> bodies;
        /** Reading a size next (else a body). */
        private boolean atSize = true;

        MpubMessages(String topicName, int count) {
            this.topicName = topicName;
            this.count = count;
            this.bodies = new ArrayList<>(count);
        }

        @Override
        public void accept(ByteBuf in) throws NsqError {
            if (atSize) {
                int size = in.readInt();
                if (size <= 0) throw NsqError.fatal(E_BAD_MESSAGE, "MPUB invalid message(" + bodies.size() + ") body size " + size);
                if (size > opts.maxMsgSize)
                    throw NsqError.fatal(E_BAD_MESSAGE, "MPUB message too big " + size + " > " + opts.maxMsgSize);
                atSize = false;
                reader.read(size, this);
                return;
            }
            bodies.add(bytes(in));
            atSize = true;
            if (bodies.size() < count) reader.read(4, this);
            else publish("MPUB", E_MPUB_FAILED, topicName, bodies, 0);
        }
    }

    /**
     * Publishes and answers OK once the messages are in memory or on disk. When the disk is
     * involved the reader pauses until the write completes, so answers keep the commands' order.
     */
    private void publish(String cmd, String failCode, String topicName, List<byte[]> bodies, long deferMs) throws NsqError {
        Future<Void> done = nsqd.publish(topicName, bodies, deferMs);
        if (done.isComplete()) { // in memory: answered at once, no hop
            published(cmd, failCode, topicName, bodies.size(), done.cause());
            return;
        }
        hold();
        OnLoop.whenDone(client.context, done, (v, cause) -> resume(() -> published(cmd, failCode, topicName, bodies.size(), cause)));
    }

    /** Answers a publish: OK, or the failure's error frame ({@code cause} null on success). */
    private void published(String cmd, String failCode, String topicName, int count, Throwable cause) throws NsqError {
        if (cause != null) {
            String why = OnLoop.reason(cause);
            // a full queue (--max-bytes-per-queue) accepted nothing: the producer may retry on this connection
            if (cause instanceof QueueFullException) throw NsqError.nonFatal(failCode, cmd + " failed " + why);
            throw NsqError.fatal(failCode, cmd + " failed " + why);
        }
        client.published(topicName, count);
        client.sendResponse(Frames.OK);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private void requireSubscribedOrClosing(String cmd) throws NsqError {
        ClientV2.State s = client.state;
        if (s != ClientV2.State.SUBSCRIBED && s != ClientV2.State.CLOSING)
            throw NsqError.fatal(E_INVALID, "cannot " + cmd + " in current state");
    }

    private static long messageId(String param) throws NsqError {
        byte[] raw = param.getBytes(StandardCharsets.UTF_8);
        if (raw.length != MessageId.LENGTH) throw NsqError.fatal(E_INVALID, "invalid message ID");
        return MessageId.parse(raw, 0, raw.length);
    }

    private static final long NOT_A_NUMBER = Long.MIN_VALUE;

    /** NSQ's ByteToBase10: digits only (no sign), wrapping like Go's uint64 arithmetic. */
    static long base10(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return NOT_A_NUMBER;
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private void closeQuietly() {
        reader.stop();
        client.socket.close();
    }

    private void cleanup(String why) {
        reader.stop();
        timers.stop();
        if (!client.markClosed()) return;
        ClientV2.logClose(client, why);
        nsqd.clientGone(client);
    }
}
