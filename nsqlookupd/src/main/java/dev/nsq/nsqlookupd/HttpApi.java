package dev.nsq.nsqlookupd;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.protocol.HostPort;
import dev.nsq.protocol.Names;
import dev.nsq.protocol.Version;
import dev.nsq.protocol.json.LookupdDebugEntry;
import dev.nsq.protocol.json.LookupdNode;
import dev.nsq.protocol.json.LookupdProducer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nsqlookupd's HTTP API (NSQ's nsqlookupd/http.go): routes, methods, JSON shapes, status codes and
 * {@code {"message":...}} errors as NSQ 1.3, so consumers, nsqadmin and scripts read ours unchanged.
 * Parameters come from the URL query only, as NSQ reads them. Handlers run on the server's event
 * loop and only touch the registration database, which has its own lock.
 */
final class HttpApi {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NSQ_CONTENT_TYPE = "X-NSQ-Content-Type";
    private static final String NSQ_CONTENT_TYPE_V1 = "nsq; version=1.0";

    private final Nsqlookupd lookupd;
    private final RegistrationDB db;
    private HttpServer server;

    HttpApi(Nsqlookupd lookupd) {
        this.lookupd = lookupd;
        this.db = lookupd.db();
    }

    Future<Void> listen() {
        Router r = Router.router(lookupd.vertx());
        r.get("/ping").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end("OK"));
        r.get("/info").handler(ctx -> json(ctx, Map.of("version", Version.NSQ_VERSION)));
        r.get("/debug").handler(this::debug);
        r.get("/lookup").handler(HttpApi::parsableQuery).handler(this::lookup);
        r.get("/topics").handler(ctx -> json(ctx, Map.of("topics",
                RegistrationDB.keys(db.findRegistrations(Registration.TOPIC, Registration.ANY, "")))));
        r.get("/channels").handler(HttpApi::parsableQuery).handler(this::channels);
        r.get("/nodes").handler(this::nodes);
        r.post("/topic/create").handler(HttpApi::parsableQuery).handler(this::createTopic);
        r.post("/topic/delete").handler(HttpApi::parsableQuery).handler(this::deleteTopic);
        r.post("/topic/tombstone").handler(HttpApi::parsableQuery).handler(this::tombstoneTopicProducer);
        r.post("/channel/create").handler(HttpApi::parsableQuery).handler(this::createChannel);
        r.post("/channel/delete").handler(HttpApi::parsableQuery).handler(this::deleteChannel);
        r.errorHandler(404, ctx -> error(ctx, 404, "NOT_FOUND"));
        r.errorHandler(405, ctx -> error(ctx, 405, "METHOD_NOT_ALLOWED"));
        r.errorHandler(500, ctx -> {
            log.error("HTTP: internal error on {}", ctx.request().path(), ctx.failure());
            error(ctx, 500, "INTERNAL_ERROR");
        });
        HostPort hp = HostPort.parse(lookupd.options().httpAddress, 4161);
        server = lookupd.vertx().createHttpServer();
        return server.requestHandler(r).listen(hp.port(), hp.host())
                .onSuccess(s -> log.info("HTTP: listening on {}:{}", hp.host(), s.actualPort()))
                .mapEmpty();
    }

    int port() { return server == null ? -1 : server.actualPort(); }

    Future<Void> close() { return server == null ? Future.succeededFuture() : server.close(); }

    // ---- reads ---------------------------------------------------------------------------------

    private void lookup(RoutingContext ctx) {
        String topic = param(ctx, "topic");
        if (topic == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        if (db.findRegistrations(Registration.TOPIC, topic, "").isEmpty()) {
            error(ctx, 404, "TOPIC_NOT_FOUND");
            return;
        }
        List<String> channels = RegistrationDB.subKeys(db.findRegistrations(Registration.CHANNEL, topic, Registration.ANY));
        List<LookupdProducer> producers = new ArrayList<>();
        for (Producer p : Producer.active(db.findProducers(Registration.TOPIC, topic, ""),
                lookupd.options().inactiveProducerTimeoutMs, lookupd.options().tombstoneLifetimeMs)) {
            producers.add(p.peer.toJson());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channels", channels);
        out.put("producers", producers);
        json(ctx, out);
    }

    private void channels(RoutingContext ctx) {
        String topic = param(ctx, "topic");
        if (topic == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        json(ctx, Map.of("channels", RegistrationDB.subKeys(db.findRegistrations(Registration.CHANNEL, topic, Registration.ANY))));
    }

    /** Every active identified peer, its topics and, per topic, whether it is tombstoned there. */
    private void nodes(RoutingContext ctx) {
        long lifetime = lookupd.options().tombstoneLifetimeMs;
        List<LookupdNode> nodes = new ArrayList<>();
        for (Producer client : Producer.active(db.findProducers(Registration.CLIENT, "", ""),
                lookupd.options().inactiveProducerTimeoutMs, 0)) {
            PeerInfo peer = client.peer;
            List<String> topics = new ArrayList<>();
            for (Registration r : db.lookupRegistrations(peer.id)) if (r.category().equals(Registration.TOPIC)) topics.add(r.key());
            List<Boolean> tombstones = new ArrayList<>(topics.size());
            for (String t : topics) {
                boolean tomb = false;
                for (Producer tp : db.findProducers(Registration.TOPIC, t, "")) {
                    if (tp.peer == peer) tomb = tp.isTombstoned(lifetime);
                }
                tombstones.add(tomb);
            }
            LookupdProducer p = peer.toJson();
            nodes.add(new LookupdNode(p.remoteAddress(), p.hostname(), p.broadcastAddress(), p.tcpPort(), p.httpPort(),
                    p.version(), tombstones, topics));
        }
        json(ctx, Map.of("producers", nodes));
    }

    private void debug(RoutingContext ctx) {
        Map<String, List<LookupdDebugEntry>> out = new LinkedHashMap<>();
        db.snapshot().forEach((r, producers) -> {
            for (Producer p : producers) {
                PeerInfo i = p.peer;
                out.computeIfAbsent(r.debugKey(), k -> new ArrayList<>()).add(new LookupdDebugEntry(i.id, i.hostname,
                        i.broadcastAddress, i.tcpPort, i.httpPort, i.version, i.lastUpdateNs(), p.wasTombstoned(), p.tombstonedAtNs()));
            }
        });
        json(ctx, out);
    }

    // ---- changes -------------------------------------------------------------------------------

    private void createTopic(RoutingContext ctx) {
        String topic = param(ctx, "topic");
        if (topic == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        if (!Names.isValid(topic)) {
            error(ctx, 400, "INVALID_ARG_TOPIC");
            return;
        }
        log.info("DB: adding topic({})", topic);
        db.addRegistration(Registration.topic(topic));
        empty(ctx);
    }

    /** Forgets the topic and its channels here only; nsqd is not told (nsqadmin does both). */
    private void deleteTopic(RoutingContext ctx) {
        String topic = param(ctx, "topic");
        if (topic == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        for (Registration r : db.findRegistrations(Registration.CHANNEL, topic, Registration.ANY)) {
            log.info("DB: removing channel({}) from topic({})", r.subKey(), topic);
            db.removeRegistration(r);
        }
        for (Registration r : db.findRegistrations(Registration.TOPIC, topic, "")) {
            log.info("DB: removing topic({})", topic);
            db.removeRegistration(r);
        }
        empty(ctx);
    }

    /** Hides the producer {@code node} ({@code broadcast_address:http_port}) from this topic's lookups. */
    private void tombstoneTopicProducer(RoutingContext ctx) {
        String topic = param(ctx, "topic");
        if (topic == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        String node = param(ctx, "node");
        if (node == null) {
            error(ctx, 400, "MISSING_ARG_NODE");
            return;
        }
        log.info("DB: setting tombstone for producer@{} of topic({})", node, topic);
        for (Producer p : db.findProducers(Registration.TOPIC, topic, "")) {
            if ((p.peer.broadcastAddress + ":" + p.peer.httpPort).equals(node)) p.tombstone();
        }
        empty(ctx);
    }

    private void createChannel(RoutingContext ctx) {
        String[] tc = topicChannel(ctx);
        if (tc == null) return;
        log.info("DB: adding channel({}) in topic({})", tc[1], tc[0]);
        db.addRegistration(Registration.channel(tc[0], tc[1]));
        db.addRegistration(Registration.topic(tc[0]));
        empty(ctx);
    }

    private void deleteChannel(RoutingContext ctx) {
        String[] tc = topicChannel(ctx);
        if (tc == null) return;
        List<Registration> found = db.findRegistrations(Registration.CHANNEL, tc[0], tc[1]);
        if (found.isEmpty()) {
            error(ctx, 404, "CHANNEL_NOT_FOUND");
            return;
        }
        log.info("DB: removing channel({}) from topic({})", tc[1], tc[0]);
        for (Registration r : found) db.removeRegistration(r);
        empty(ctx);
    }

    /** NSQ's GetTopicChannelArgs: both present and valid, else a 400 already sent and null. */
    private static String[] topicChannel(RoutingContext ctx) {
        String topic = param(ctx, "topic");
        if (topic == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return null;
        }
        if (!Names.isValid(topic)) {
            error(ctx, 400, "INVALID_ARG_TOPIC");
            return null;
        }
        String channel = param(ctx, "channel");
        if (channel == null) {
            error(ctx, 400, "MISSING_ARG_CHANNEL");
            return null;
        }
        if (!Names.isValid(channel)) {
            error(ctx, 400, "INVALID_ARG_CHANNEL");
            return null;
        }
        return new String[] {topic, channel};
    }

    // ---- the envelope --------------------------------------------------------------------------

    private static HttpServerResponse v1(RoutingContext ctx) {
        return ctx.response().putHeader(NSQ_CONTENT_TYPE, NSQ_CONTENT_TYPE_V1);
    }

    /** 200 with an empty body, NSQ's answer for a nil result. */
    private static void empty(RoutingContext ctx) { v1(ctx).end(); }

    private static void json(RoutingContext ctx, Object value) {
        try {
            v1(ctx).putHeader("Content-Type", "application/json; charset=utf-8").end(Buffer.buffer(JSON.writeValueAsBytes(value)));
        } catch (Exception e) {
            ctx.fail(e);
        }
    }

    private static void error(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) return;
        v1(ctx).setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
                .end("{\"message\":\"" + message + "\"}");
    }

    /**
     * NSQ's NewReqParams: the routes that take parameters answer 400 {@code INVALID_REQUEST} when Go's
     * url.ParseQuery fails, that is on a {@code '%'} not followed by two hex digits or on any
     * {@code ';'} (no longer a separator since Go 1.17). Netty would split on ';' and Vert.x would fail
     * on a bad escape with its own 400.
     */
    private static void parsableQuery(RoutingContext ctx) {
        String q = ctx.request().query();
        if (q != null && !isGoParsableQuery(q)) {
            error(ctx, 400, "INVALID_REQUEST");
            return;
        }
        ctx.next();
    }

    static boolean isGoParsableQuery(String q) {
        if (q.indexOf(';') >= 0) return false;
        for (int i = q.indexOf('%'); i >= 0; i = q.indexOf('%', i + 1)) {
            if (i + 2 >= q.length() || Character.digit(q.charAt(i + 1), 16) < 0 || Character.digit(q.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Query parameter from the URL only, as NSQ reads it; null when absent (present but empty is ""). */
    private static String param(RoutingContext ctx, String name) {
        List<String> all = ctx.queryParam(name);
        return all.isEmpty() ? null : all.get(0);
    }
}
