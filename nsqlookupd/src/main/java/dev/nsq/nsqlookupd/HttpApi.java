package dev.nsq.nsqlookupd;

import dev.nsq.daemon.HttpEnvelope;
import dev.nsq.protocol.HostPort;
import dev.nsq.protocol.Names;
import dev.nsq.protocol.Version;
import dev.nsq.protocol.json.LookupdDebugEntry;
import dev.nsq.protocol.json.LookupdNode;
import dev.nsq.protocol.json.LookupdProducer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nsq.daemon.HttpEnvelope.empty;
import static dev.nsq.daemon.HttpEnvelope.error;
import static dev.nsq.daemon.HttpEnvelope.json;
import static dev.nsq.daemon.HttpEnvelope.param;

/**
 * nsqlookupd's HTTP API (NSQ's nsqlookupd/http.go): routes, methods, JSON shapes, status codes and
 * {@code {"message":...}} errors as NSQ 1.3, so consumers, nsqadmin and scripts read ours unchanged.
 * Parameters come from the URL query only, as NSQ reads them. Handlers run on the server's event
 * loop and only touch the registration database, which has its own lock.
 */
final class HttpApi {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

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
        r.get("/lookup").handler(HttpEnvelope::parsableQuery).handler(this::lookup);
        r.get("/topics").handler(ctx -> json(ctx, Map.of("topics",
                RegistrationDB.keys(db.findRegistrations(Registration.TOPIC, Registration.ANY, "")))));
        r.get("/channels").handler(HttpEnvelope::parsableQuery).handler(this::channels);
        r.get("/nodes").handler(this::nodes);
        r.get("/metrics").handler(new dev.nsq.daemon.MetricsEndpoint(new LookupdMetrics(lookupd))::handle); // ours, for Prometheus
        r.post("/topic/create").handler(HttpEnvelope::parsableQuery).handler(this::createTopic);
        r.post("/topic/delete").handler(HttpEnvelope::parsableQuery).handler(this::deleteTopic);
        r.post("/topic/tombstone").handler(HttpEnvelope::parsableQuery).handler(this::tombstoneTopicProducer);
        r.post("/channel/create").handler(HttpEnvelope::parsableQuery).handler(this::createChannel);
        r.post("/channel/delete").handler(HttpEnvelope::parsableQuery).handler(this::deleteChannel);
        HttpEnvelope.errorHandlers(r, log);
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
        Map<String, LookupdProducer> producers = new LinkedHashMap<>();
        for (Producer p : Producer.active(db.findProducers(Registration.TOPIC, topic, ""),
                lookupd.options().inactiveProducerTimeoutMs, lookupd.options().tombstoneLifetimeMs)) {
            producers.putIfAbsent(p.peer.addressKey(), p.peer.toJson());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channels", channels);
        out.put("producers", new ArrayList<>(producers.values()));
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

    /**
     * Every active identified peer, its topics and, per topic, whether it is tombstoned there. A node
     * registered over both TCP V1 and the event bus is one node here (as in {@code /lookup}).
     */
    private void nodes(RoutingContext ctx) {
        long lifetime = lookupd.options().tombstoneLifetimeMs;
        Map<String, PeerInfo> first = new LinkedHashMap<>();
        Map<String, Map<String, Boolean>> topicsByNode = new LinkedHashMap<>();
        for (Producer client : Producer.active(db.findProducers(Registration.CLIENT, "", ""),
                lookupd.options().inactiveProducerTimeoutMs, 0)) {
            PeerInfo peer = client.peer;
            first.putIfAbsent(peer.addressKey(), peer);
            Map<String, Boolean> topics = topicsByNode.computeIfAbsent(peer.addressKey(), k -> new LinkedHashMap<>());
            for (Registration r : db.lookupRegistrations(peer.id)) {
                if (!r.category().equals(Registration.TOPIC)) continue;
                boolean tomb = false;
                for (Producer tp : db.findProducers(Registration.TOPIC, r.key(), "")) {
                    if (tp.peer == peer) tomb = tp.isTombstoned(lifetime);
                }
                topics.merge(r.key(), tomb, Boolean::logicalOr);
            }
        }
        List<LookupdNode> nodes = new ArrayList<>();
        first.forEach((key, peer) -> {
            Map<String, Boolean> topics = topicsByNode.get(key);
            LookupdProducer p = peer.toJson();
            nodes.add(new LookupdNode(p.remoteAddress(), p.hostname(), p.broadcastAddress(), p.tcpPort(), p.httpPort(),
                    p.version(), new ArrayList<>(topics.values()), new ArrayList<>(topics.keySet())));
        });
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
        String[] tc = HttpEnvelope.topicChannelArgs(ctx);
        if (tc == null) return;
        log.info("DB: adding channel({}) in topic({})", tc[1], tc[0]);
        db.addRegistration(Registration.channel(tc[0], tc[1]));
        db.addRegistration(Registration.topic(tc[0]));
        empty(ctx);
    }

    private void deleteChannel(RoutingContext ctx) {
        String[] tc = HttpEnvelope.topicChannelArgs(ctx);
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
}
