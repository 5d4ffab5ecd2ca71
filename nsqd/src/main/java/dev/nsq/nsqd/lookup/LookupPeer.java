package dev.nsq.nsqd.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.protocol.HostPort;
import dev.nsq.protocol.Version;
import dev.nsq.protocol.lookup.LookupPeerInfo;
import dev.nsq.protocol.lookup.TopicChannel;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Supplier;

/**
 * One nsqlookupd reached over the lookup protocol V1, as NSQ's lookup_peer.go: connect, magic
 * {@code "  V1"}, IDENTIFY with this nsqd's addresses, then REGISTER every topic and channel it has
 * (a full re-sync after every (re)connect), then REGISTER/UNREGISTER as they change and PING every
 * 15 s. Replies come in command order, so each command waits in a FIFO for its reply; a failed
 * command or a lost connection closes the socket and the next PING reconnects.
 *
 * <p>Confined to one event-loop context (the lookup loop's).
 */
final class LookupPeer {
    private static final Logger log = LoggerFactory.getLogger(LookupPeer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CONNECT_TIMEOUT_MS = 1_000;

    final String address;
    private final Vertx vertx;
    private final NetClient client;
    private final LookupPeerInfo self;
    private final Supplier<List<TopicChannel>> registrations;
    private NetSocket socket;
    private boolean connecting;
    private boolean closed;
    /** Replies still owed by the lookupd, in the order the commands were sent. */
    private final ArrayDeque<String> pending = new ArrayDeque<>();
    /** The lookupd's own addresses from its IDENTIFY reply (for HTTP queries), once connected. */
    private volatile String httpAddress;

    LookupPeer(Vertx vertx, String address, LookupPeerInfo self, Supplier<List<TopicChannel>> registrations) {
        this.vertx = vertx;
        this.address = address;
        this.self = self;
        this.registrations = registrations;
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) CONNECT_TIMEOUT_MS).setTcpNoDelay(true));
    }

    /** host:port of the lookupd's HTTP API as it announced it, or null before the first IDENTIFY. */
    String httpAddress() { return httpAddress; }

    boolean isConnected() { return socket != null && !connecting; }

    /** Connects if needed (with a full re-sync), else sends PING. */
    void ping() {
        if (closed) return;
        if (socket == null) connect();
        else send("PING");
    }

    void register(TopicChannel tc) { command("REGISTER", tc); }

    void unregister(TopicChannel tc) { command("UNREGISTER", tc); }

    private void command(String verb, TopicChannel tc) {
        if (socket == null) {
            connect(); // the re-sync after connecting carries this registration too
            return;
        }
        if (connecting) return; // the re-sync in progress reads the current state when it runs
        send(verb + " " + tc.topic() + (tc.channel() == null ? "" : " " + tc.channel()));
    }

    private void connect() {
        if (connecting || closed) return;
        connecting = true;
        HostPort hp = HostPort.parse(address, 4160);
        client.connect(hp.port(), hp.host()).onComplete(ar -> {
            if (ar.failed()) {
                connecting = false;
                log.error("LOOKUP({}): failed to connect - {}", address, ar.cause().toString());
                return;
            }
            NetSocket so = ar.result();
            socket = so;
            pending.clear();
            RecordParser parser = RecordParser.newFixed(4);
            int[] size = {-1};
            parser.handler(buf -> {
                if (size[0] < 0) {
                    size[0] = buf.getInt(0);
                    if (size[0] <= 0) {
                        onReply("");
                        size[0] = -1;
                    } else {
                        parser.fixedSizeMode(size[0]);
                    }
                } else {
                    size[0] = -1;
                    parser.fixedSizeMode(4);
                    onReply(buf.toString(StandardCharsets.UTF_8));
                }
            });
            parser.exceptionHandler(t -> drop("bad reply - " + t));
            so.handler(parser);
            so.closeHandler(v -> {
                if (socket == so) {
                    socket = null;
                    connecting = false;
                    pending.clear();
                    log.info("LOOKUP({}): connection closed", address);
                }
            });
            so.exceptionHandler(t -> log.debug("LOOKUP({}): socket error - {}", address, t.toString()));
            log.info("LOOKUP({}): connected, sending IDENTIFY", address);
            so.write(Buffer.buffer(Version.MAGIC_V1));
            try {
                byte[] body = JSON.writeValueAsBytes(self);
                pending.add("IDENTIFY");
                so.write(Buffer.buffer("IDENTIFY\n").appendInt(body.length).appendBytes(body));
            } catch (Exception e) {
                drop("failed to encode IDENTIFY - " + e);
            }
        });
    }

    private void send(String line) {
        if (socket == null) return;
        pending.add(line);
        socket.write(line + "\n");
    }

    private void onReply(String data) {
        String cmd = pending.poll();
        if (cmd == null) {
            drop("unexpected reply " + data);
            return;
        }
        if (cmd.equals("IDENTIFY")) {
            identified(data);
            return;
        }
        if (data.startsWith("E_")) {
            drop(cmd + " failed - " + data);
        }
    }

    private void identified(String data) {
        if (data.startsWith("E_")) {
            drop("IDENTIFY failed - " + data);
            return;
        }
        try {
            JsonNode r = JSON.readTree(data);
            String host = r.path("broadcast_address").asText("");
            int httpPort = r.path("http_port").asInt(0);
            if (!host.isEmpty() && httpPort > 0) httpAddress = host + ":" + httpPort;
            log.info("LOOKUP({}): peer info {}", address, data);
        } catch (Exception e) {
            drop("unparsable IDENTIFY reply - " + data);
            return;
        }
        connecting = false;
        // a (re)connected lookupd knows nothing of us: register everything again
        for (TopicChannel tc : registrations.get()) {
            send("REGISTER " + tc.topic() + (tc.channel() == null ? "" : " " + tc.channel()));
        }
    }

    private void drop(String why) {
        log.error("LOOKUP({}): {} - closing", address, why);
        NetSocket so = socket;
        socket = null;
        connecting = false;
        pending.clear();
        if (so != null) so.close();
    }

    void close() {
        closed = true;
        if (socket != null) socket.close();
        client.close();
    }
}
