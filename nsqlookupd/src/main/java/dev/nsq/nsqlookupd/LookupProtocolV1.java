package dev.nsq.nsqlookupd;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nsq.protocol.ErrorCodes;
import dev.nsq.protocol.Names;
import dev.nsq.protocol.NsqError;
import dev.nsq.protocol.Version;
import dev.nsq.protocol.lookup.LookupPeerInfo;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * One nsqd's connection speaking the lookup protocol V1 (NSQ's lookup_protocol_v1.go): magic
 * {@code "  V1"}, then newline-terminated commands (trimmed, split on single spaces), IDENTIFY
 * followed by a size-prefixed JSON body. Replies are {@code [size][data]} without a frame type;
 * every error is fatal (sent, then the connection closes). When the connection ends, the peer
 * leaves every registration.
 *
 * <p>Confined to the socket's event loop.
 */
final class LookupProtocolV1 {
    private static final Logger log = LoggerFactory.getLogger(LookupProtocolV1.class);
    /** Types as strict as Go's encoding/json: a port given as "4150" or a version as 1 does not decode. */
    private static final ObjectMapper JSON = JsonMapper.builder().disable(MapperFeature.ALLOW_COERCION_OF_SCALARS).build();
    /** NSQ reads lines without a limit; a line this long is nobody's command. */
    static final int MAX_LINE = 64 * 1024;
    /** NSQ allocates whatever size IDENTIFY announces; we refuse more than this. */
    static final int MAX_IDENTIFY_BODY = 1024 * 1024;

    private enum State { MAGIC, LINE, BODY_SIZE, BODY, CLOSED }

    private final Nsqlookupd lookupd;
    private final NetSocket socket;
    private final String remote;
    private final RecordParser parser;
    private State state = State.MAGIC;
    private PeerInfo peer;

    LookupProtocolV1(Nsqlookupd lookupd, NetSocket socket) {
        this.lookupd = lookupd;
        this.socket = socket;
        this.remote = socket.remoteAddress().host() + ":" + socket.remoteAddress().port();
        this.parser = RecordParser.newFixed(4, this::onRecord);
        parser.maxRecordSize(MAX_LINE);
        parser.exceptionHandler(e -> fatal(NsqError.fatal(ErrorCodes.E_INVALID, "line too long")));
        socket.handler(parser);
        socket.exceptionHandler(e -> log.debug("CLIENT({}): {}", remote, e.toString()));
        socket.closeHandler(v -> closed());
        log.info("TCP: new client({})", remote);
    }

    private void onRecord(Buffer b) {
        try {
            switch (state) {
                case MAGIC -> magic(b);
                case LINE -> line(b.toString(StandardCharsets.UTF_8));
                case BODY_SIZE -> bodySize(b.getInt(0));
                case BODY -> identify(b.getBytes());
                case CLOSED -> { }
            }
        } catch (NsqError e) {
            fatal(e);
        }
    }

    private void magic(Buffer b) {
        if (!Version.MAGIC_V1.equals(b.toString(StandardCharsets.ISO_8859_1))) {
            log.error("client({}) bad protocol magic '{}'", remote, b.toString(StandardCharsets.ISO_8859_1));
            state = State.CLOSED;
            socket.write(frame("E_BAD_PROTOCOL".getBytes(StandardCharsets.UTF_8))).onComplete(v -> socket.close());
            return;
        }
        log.info("CLIENT({}): desired protocol magic '  V1'", remote);
        state = State.LINE;
        parser.delimitedMode("\n");
    }

    private void line(String raw) throws NsqError {
        String[] params = raw.strip().split(" ", -1);
        switch (params[0]) {
            case "PING" -> ping();
            case "IDENTIFY" -> startIdentify();
            case "REGISTER" -> register(params);
            case "UNREGISTER" -> unregister(params);
            default -> throw NsqError.fatal(ErrorCodes.E_INVALID, "invalid command " + params[0]);
        }
    }

    private void ping() {
        if (peer != null) peer.touch(); // a PING may come before IDENTIFY
        respond("OK");
    }

    private void startIdentify() throws NsqError {
        if (peer != null) throw NsqError.fatal(ErrorCodes.E_INVALID, "cannot IDENTIFY again");
        state = State.BODY_SIZE;
        parser.fixedSizeMode(4);
    }

    private void bodySize(int size) throws NsqError {
        if (size < 0) throw NsqError.fatal(ErrorCodes.E_BAD_BODY, "IDENTIFY failed to read body size");
        if (size > MAX_IDENTIFY_BODY) throw NsqError.fatal(ErrorCodes.E_BAD_BODY, "IDENTIFY failed to read body");
        if (size == 0) { // fixedSizeMode(0) is not allowed; an empty body is simply bad JSON
            identify(new byte[0]);
            return;
        }
        state = State.BODY;
        parser.fixedSizeMode(size);
    }

    private void identify(byte[] body) throws NsqError {
        LookupPeerInfo info;
        try {
            info = JSON.readValue(body, LookupPeerInfo.class);
        } catch (Exception e) {
            throw NsqError.fatal(ErrorCodes.E_BAD_BODY, "IDENTIFY failed to decode JSON body");
        }
        if (info == null || isEmpty(info.broadcastAddress()) || info.tcpPort() == 0 || info.httpPort() == 0 || isEmpty(info.version())) {
            throw NsqError.fatal(ErrorCodes.E_BAD_BODY, "IDENTIFY missing fields");
        }
        peer = new PeerInfo(remote, remote, info.hostname(), info.broadcastAddress(), info.tcpPort(), info.httpPort(), info.version());
        log.info("CLIENT({}): IDENTIFY Address:{} TCP:{} HTTP:{} Version:{}", remote, info.broadcastAddress(),
                info.tcpPort(), info.httpPort(), info.version());
        lookupd.db().identify(peer);
        state = State.LINE;
        parser.delimitedMode("\n");
        Map<String, Object> reply = new TreeMap<>(); // Go marshals a map with its keys sorted
        reply.put("tcp_port", lookupd.tcpPort());
        reply.put("http_port", lookupd.httpPort());
        reply.put("version", Version.NSQ_VERSION);
        reply.put("broadcast_address", lookupd.options().broadcastAddress);
        reply.put("hostname", NsqlookupdOptions.hostname());
        try {
            respond(JSON.writeValueAsBytes(reply));
        } catch (Exception e) {
            respond("OK");
        }
    }

    private void register(String[] params) throws NsqError {
        String[] tc = topicChannel("REGISTER", params);
        lookupd.db().register(peer, tc[0], tc[1]);
        respond("OK");
    }

    private void unregister(String[] params) throws NsqError {
        String[] tc = topicChannel("UNREGISTER", params);
        lookupd.db().unregister(peer, tc[0], tc[1]);
        respond("OK");
    }

    /** NSQ's getTopicChan, after the IDENTIFY guard both commands share. */
    private String[] topicChannel(String command, String[] params) throws NsqError {
        if (peer == null) throw NsqError.fatal(ErrorCodes.E_INVALID, "client must IDENTIFY");
        if (params.length < 2) throw NsqError.fatal(ErrorCodes.E_INVALID, command + " insufficient number of params");
        String topic = params[1];
        String channel = params.length >= 3 ? params[2] : "";
        if (!Names.isValid(topic)) {
            throw NsqError.fatal(ErrorCodes.E_BAD_TOPIC, command + " topic name '" + topic + "' is not valid");
        }
        if (!channel.isEmpty() && !Names.isValid(channel)) {
            throw NsqError.fatal(ErrorCodes.E_BAD_CHANNEL, command + " channel name '" + channel + "' is not valid");
        }
        return new String[] {topic, channel};
    }

    private void respond(String text) { respond(text.getBytes(StandardCharsets.UTF_8)); }

    private void respond(byte[] data) { socket.write(frame(data)); }

    private void fatal(NsqError e) {
        if (state == State.CLOSED) return;
        log.error("[{}] - {}", remote, e.wireText());
        state = State.CLOSED;
        socket.write(frame(e.wireText().getBytes(StandardCharsets.UTF_8))).onComplete(v -> socket.close());
    }

    private void closed() {
        state = State.CLOSED;
        log.info("CLIENT({}): closing", remote);
        if (peer != null) lookupd.db().removePeer(peer.id);
    }

    /** {@code [4-byte size][data]}: V1 replies carry no frame type. */
    private static Buffer frame(byte[] data) {
        return Buffer.buffer(4 + data.length).appendInt(data.length).appendBytes(data);
    }

    private static boolean isEmpty(String s) { return s == null || s.isEmpty(); }
}
