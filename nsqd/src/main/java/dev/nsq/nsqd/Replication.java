package dev.nsq.nsqd;

import dev.nsq.cluster.ClusterBootstrap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replicated topics on this nsqd (docs/replication.md). Placement and epochs are agreed through
 * Hazelcast ({@link PlacementStore}); the data goes leader to follower over a TCP connection of
 * its own ({@link LeaderStream}, {@link FollowerLink}, {@link ReplicaServer}); followers hold each channel's messages under a
 * {@link ReplicaConsumer}. This class decides this node's role per topic and switches it, applies
 * what leaders send, forwards publishes and control to the leader, and, on the oldest nsqd of the
 * cluster, moves leadership and replicas away from nsqd that left.
 *
 * <p>Role changes, stream requests and the tick run on one event-loop context ({@link #ctx}), in
 * order; publishes and FINs reach {@link LeaderStream} from any thread.
 */
final class Replication implements LeaderStream.Node {
    private static final Logger log = LoggerFactory.getLogger(Replication.class);
    static final String LEADER_PREFIX = "nsqd.leader.";
    /** Failure code of a forwarded request at a node that does not lead the topic. */
    static final int NOT_LEADER = 421;
    private static final byte FORWARD_PUB = 1;
    private static final byte FORWARD_CONTROL = 2;
    private static final byte TOPIC_DELETE = 100;
    private static final long TICK_MS = 500;

    private enum Role { LEADER, FOLLOWER }

    private final Nsqd nsqd;
    private final Vertx vertx;
    private final NsqdOptions options;
    private final PlacementStore store;
    private final ReplicationController controller;
    private final Context ctx;
    /** This nsqd's name in placements: {@code <broadcast_address>:<tcp_port>}. */
    final String self;
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    private final Map<String, LeaderStream> leading = new ConcurrentHashMap<>();
    private final Map<Channel, ReplicaConsumer> replicaConsumers = new ConcurrentHashMap<>();
    /** Topics led here whose leadership is in doubt after this process was paused: no delivery until confirmed. */
    private final Map<String, Long> fenced = new ConcurrentHashMap<>();
    /**
     * Topics this node led until a follower answered with a newer epoch, while this node cannot read
     * the placement (it is cut off): nothing is delivered, registered or accepted until it can.
     */
    private final Set<String> orphaned = ConcurrentHashMap.newKeySet();
    /** The epoch an orphaned topic was led at here: only a newer placement ends the orphanage. */
    private final Map<String, Long> orphanedAt = new ConcurrentHashMap<>();
    /** Orphaned topics whose placement is being read again: one read at a time each. */
    private final Set<String> rechecking = ConcurrentHashMap.newKeySet();
    /** Topics with a placement change of ours on the way: one at a time. */
    private final Set<String> changing = ConcurrentHashMap.newKeySet();
    private final List<MessageConsumer<Buffer>> consumers = new ArrayList<>();
    private long tickTimer = -1;
    private ReplicaServer server;
    /** Leaders' connections to their followers' stream listeners. */
    private final NetClient streamClient;
    private long lastTickNs = System.nanoTime();

    private Replication(Nsqd nsqd, Vertx vertx, String self) {
        this.nsqd = nsqd;
        this.vertx = vertx;
        this.options = nsqd.options();
        this.self = self;
        this.store = new PlacementStore(vertx, ClusterBootstrap.hazelcast(vertx));
        this.controller = new ReplicationController(store, vertx, self, this::change);
        this.ctx = vertx.getOrCreateContext();
        this.streamClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.replicationTimeoutMs)));
    }

    /** Replication for a clustered nsqd, started; null when not clustered. */
    static Future<Replication> start(Nsqd nsqd, Vertx vertx, String self) {
        if (ClusterBootstrap.hazelcast(vertx) == null) return Future.succeededFuture(null);
        Replication r = new Replication(nsqd, vertx, self);
        return r.run().map(r);
    }

    private Future<Void> run() {
        Future<ReplicaServer> listening = Future.future(p -> ctx.runOnContext(v -> {
            consumers.add(vertx.eventBus().consumer(LEADER_PREFIX + self, this::onForwarded));
            tickTimer = vertx.setPeriodic(TICK_MS, t -> tick());
            ReplicaServer.listen(vertx, bindHost(), this::onStream).onComplete(p);
        }));
        return listening.compose(server -> {
            this.server = server;
            // what the cluster knows of this nsqd: its node ID (is it a member?) and where its stream listens
            String filed = ClusterBootstrap.nodeId(vertx) + " " + self.substring(0, self.lastIndexOf(':')) + ":" + server.port();
            return store.start(self, filed, (topic, p) -> ctx.runOnContext(x -> applyPlacement(topic, p)));
        });
    }

    /** The stream listens where nsqd's TCP listener does. */
    private String bindHost() {
        String tcp = options.tcpAddress;
        int i = tcp.lastIndexOf(':');
        String host = i < 0 ? tcp : tcp.substring(0, i);
        return host.isEmpty() ? "0.0.0.0" : host;
    }

    @Override
    public String streamAddress(String node) { return controller.streamAddress(node); }

    @Override
    public NetClient streamClient() { return streamClient; }

    void close() {
        if (server != null) server.close();
        streamClient.close();
        if (tickTimer >= 0) vertx.cancelTimer(tickTimer);
        for (MessageConsumer<Buffer> c : consumers) c.unregister();
        for (LeaderStream s : leading.values()) s.close("nsqd exiting");
    }

    // ---- what the rest of nsqd asks ---------------------------------------------------------

    /** The stored placement, or null when the topic is not replicated. */
    Placement placement(String topic) { return store.get(topic); }

    /** True when this nsqd should register the topic with lookupds: not replicated, or led here and not fenced. */
    boolean registers(String topic) {
        if (orphaned.contains(topic)) return false;
        Placement p = store.get(topic);
        return p == null || (roles.get(topic) == Role.LEADER && !fenced.containsKey(topic));
    }

    private String orphanedReason(String topic) {
        return "topic " + topic + " is replicated and this nsqd is cut off from its cluster";
    }

    /**
     * A topic this nsqd holds with no placement is NSQ's own: created with replication_factor=1 (or
     * before this nsqd replicated new topics). Its publishes and SUBs stay local; only topics new
     * to the node are placed with --replication-factor. (A replica's copy exists only once its
     * placement is known here.)
     */
    private boolean nsqdOwn(String topic) { return nsqd.getTopic(topic) != null; }

    /** Why a SUB is refused here, or null: only the leader delivers. */
    String subscribeRefusal(String topic) {
        if (orphaned.contains(topic)) return orphanedReason(topic);
        Placement p = store.get(topic);
        if (p == null && (options.replicationFactor <= 1 || nsqdOwn(topic))) return null;
        if (p == null) { // a new topic: placed now, subscribed to at its leader
            place(topic, (int) options.replicationFactor);
            return "topic " + topic + " is being placed on " + options.replicationFactor + " nsqd; subscribe to its leader";
        }
        if (roles.get(topic) == Role.LEADER && !fenced.containsKey(topic)) return null;
        return "topic " + topic + " is replicated; its leader is " + p.leader();
    }

    /**
     * A publish: null when the topic is not replicated and this nsqd does not replicate new topics
     * (the caller publishes locally, as NSQ); else the replicated publish, here or at the leader.
     */
    Future<Void> publish(String topic, List<byte[]> bodies, long deferMs) {
        if (orphaned.contains(topic)) return Future.failedFuture(orphanedReason(topic));
        Placement p = store.get(topic);
        if (p == null && (options.replicationFactor <= 1 || nsqdOwn(topic))) return null;
        Future<Placement> placed = p != null ? Future.succeededFuture(p) : place(topic, (int) options.replicationFactor);
        return placed.compose(pl -> pl.leader().equals(self) ? publishAsLeader(topic, bodies, deferMs)
                : forward(pl.leader(), forwardPub(topic, bodies, deferMs)));
    }

    /** Places a new topic with {@code factor} replicas (or takes the placement another nsqd made first). */
    Future<Placement> place(String topic, int factor) {
        Placement p = store.get(topic);
        if (p != null) return Future.succeededFuture(p);
        try {
            return store.create(controller.place(topic, factor));
        } catch (IllegalStateException e) {
            return Future.failedFuture(e.getMessage());
        }
    }

    /**
     * Topic and channel control for a replicated topic: applied at the leader, which passes it on to
     * its followers in the stream. Null when the topic is not replicated (the caller acts locally).
     */
    Future<Void> control(String topic, byte code, String channel) {
        if (orphaned.contains(topic)) return Future.failedFuture(orphanedReason(topic));
        Placement p = store.get(topic);
        if (p == null) return null;
        if (p.leader().equals(self)) return controlAsLeader(topic, code, channel);
        Buffer req = ReplicaOps.string(ReplicaOps.string(Buffer.buffer().appendByte(FORWARD_CONTROL), topic).appendByte(code), channel);
        return forward(p.leader(), req);
    }

    static byte topicDelete() { return TOPIC_DELETE; }

    /** A channel was created on a replicated topic (under the topic's lock). */
    void channelCreated(String topic, Channel c) {
        if (c.ephemeral) return; // ephemeral channels live and die with their consumers, on the leader only
        Role role = roles.get(topic);
        if (role == Role.FOLLOWER) follow(c);
        else if (role == Role.LEADER) {
            LeaderStream s = leading.get(topic);
            c.replicaEvents(events(s));
            if (s != null) s.append(ReplicaOps.control(ReplicaOps.CHANNEL_CREATE, c.name));
        }
    }

    /** /stats' replication object for a replicated topic, else null. */
    dev.nsq.protocol.json.NsqdStats.ReplicationStats stats(String topic) {
        Placement p = store.get(topic);
        if (p == null) return null;
        return new dev.nsq.protocol.json.NsqdStats.ReplicationStats(p.epoch(), p.leader(), p.replicas(), p.inSync());
    }

    /** Topics led here with fewer replicas in sync than placed (for /metrics). */
    int underReplicated() {
        int n = 0;
        for (Placement p : store.all().values()) if (p.leader().equals(self) && p.inSync().size() < p.replicas().size()) n++;
        return n;
    }

    // ---- leading ------------------------------------------------------------------------------

    /**
     * The stream of a topic led here. A topic placed a moment ago may have its placement event still
     * on the way: the role is taken now, from the placement already read.
     */
    private Future<LeaderStream> leaderStream(String topic) {
        if (fenced.containsKey(topic)) return Future.failedFuture("topic " + topic + " is fenced here until its leadership is confirmed");
        LeaderStream s = leading.get(topic);
        if (s != null) return Future.succeededFuture(s);
        Placement p = store.get(topic);
        if (p == null || !p.leader().equals(self)) return Future.failedFuture("topic " + topic + " is not led here");
        return Future.future(pr -> ctx.runOnContext(v -> {
            if (!leading.containsKey(topic)) applyPlacement(topic, p);
            LeaderStream now = leading.get(topic);
            if (now != null) pr.complete(now);
            else pr.fail("topic " + topic + " is not led here");
        }));
    }

    private Future<Void> publishAsLeader(String topic, List<byte[]> bodies, long deferMs) {
        LeaderStream ready = leading.get(topic);
        if (ready == null || fenced.containsKey(topic)) return leaderStream(topic).compose(s -> publishAsLeader(s, topic, bodies, deferMs));
        return publishAsLeader(ready, topic, bodies, deferMs);
    }

    private Future<Void> publishAsLeader(LeaderStream s, String topic, List<byte[]> bodies, long deferMs) {
        String refused = s.refusal();
        if (refused != null) return Future.failedFuture(refused);
        Topic t = nsqd.getOrCreateTopic(topic);
        List<Message> batch = new ArrayList<>(bodies.size());
        for (byte[] b : bodies) batch.add(t.newMessage(b, deferMs));
        Buffer ops = ReplicaOps.publish(batch); // before the topic changes them (defer, attempts)
        Future<Void> local;
        long seq;
        synchronized (t) { // the stream's order is the topic's order
            local = t.put(batch);
            if (local.failed()) return local;
            seq = s.append(ops);
        }
        return Future.all(local, s.awaitReplicated(seq)).mapEmpty();
    }

    private Future<Void> controlAsLeader(String topic, byte code, String channel) {
        if (code == TOPIC_DELETE) return store.remove(topic); // every replica deletes it as the placement goes
        return leaderStream(topic).compose(s -> {
            Topic t = nsqd.getOrCreateTopic(topic);
            Future<Void> done = applyControl(t, code, channel);
            if (code != ReplicaOps.CHANNEL_CREATE) s.append(ReplicaOps.control(code, channel)); // create is streamed by channelCreated
            return done;
        });
    }

    /** One control op on the local topic. */
    private Future<Void> applyControl(Topic t, byte code, String channel) {
        Channel c = channel.isEmpty() ? null : t.getChannel(channel);
        switch (code) {
            case ReplicaOps.CHANNEL_CREATE -> t.getOrCreateChannel(channel);
            case ReplicaOps.CHANNEL_DELETE -> {
                if (c != null) {
                    replicaConsumers.remove(c);
                    nsqd.deleteChannel(t, channel);
                }
            }
            case ReplicaOps.PAUSE, ReplicaOps.UNPAUSE -> {
                boolean pause = code == ReplicaOps.PAUSE;
                if (channel.isEmpty()) {
                    if (pause) t.pause();
                    else t.unpause();
                } else if (c != null) {
                    if (pause) c.pause();
                    else c.unpause();
                }
                nsqd.persistMetadata();
            }
            case ReplicaOps.EMPTY -> {
                if (channel.isEmpty()) return (t.empty());
                if (c != null) return (c.empty());
            }
            default -> log.warn("REPLICATION: unknown control op {} for topic {}", code, t.name);
        }
        return Future.succeededFuture();
    }

    private Channel.ReplicaEvents events(LeaderStream s) {
        if (s == null) return null;
        return new Channel.ReplicaEvents() {
            @Override public void finished(String channel, long id) { s.append(ReplicaOps.finish(channel, id)); }

            @Override public void deferred(String channel, long id, long delayMs) { s.append(ReplicaOps.defer(channel, id, delayMs)); }
        };
    }

    // ---- roles -------------------------------------------------------------------------------

    /** A placement changed (or appeared, or went: null): this node takes its role. On {@link #ctx}. */
    private void applyPlacement(String topic, Placement p) {
        if (orphaned.contains(topic)) {
            // keep the copy until the cluster's newer placement is readable here: the one this
            // node can read now may be its own stale copy, from before it was cut off
            if (p == null || p.epoch() <= orphanedAt.getOrDefault(topic, 0L)) return;
            orphaned.remove(topic);
            orphanedAt.remove(topic);
            log.info("REPLICATION: topic {} placed again (epoch {}, leader {})", topic, p.epoch(), p.leader());
        }
        Role was = roles.get(topic);
        if (p == null || !p.isReplica(self)) {
            // a copy left from when this node was a replica (it restarted, and was replaced meanwhile)
            // is stale: the replicas caught up from the leader hold the topic now
            if (was == null && (p == null || nsqd.getTopic(topic) == null)) return;
            log.info("REPLICATION: topic {} {}; dropping the local copy", topic, p == null ? "deleted" : "placed elsewhere");
            stopLeading(topic, "topic " + topic + " moved");
            roles.remove(topic);
            dropFollowers(topic);
            nsqd.deleteTopic(topic);
            return;
        }
        if (p.leader().equals(self)) {
            LeaderStream s = leading.get(topic);
            if (was == Role.LEADER && s != null && s.placement().epoch() == p.epoch()) {
                s.placementChanged(p);
                return;
            }
            boolean fresh = was == null && p.epoch() == 1 && nsqd.getTopic(topic) == null;
            lead(p, fresh);
            return;
        }
        if (was == Role.LEADER) stepDown(topic, "topic " + topic + " is now led by " + p.leader() + " (epoch " + p.epoch() + ")");
        if (roles.get(topic) != Role.FOLLOWER) {
            roles.put(topic, Role.FOLLOWER);
            Topic t = nsqd.getOrCreateTopic(topic);
            nsqd.unregisterFromLookupds(t); // registered before its placement was known (a restart)
            for (Channel c : t.channelsSnapshot()) if (!c.ephemeral) follow(c);
            log.info("REPLICATION: following topic {} (leader {}, epoch {})", topic, p.leader(), p.epoch());
        }
    }

    private void lead(Placement p, boolean fresh) {
        String topic = p.topic();
        stopLeading(topic, "a new epoch");
        roles.put(topic, Role.LEADER);
        LeaderStream s = new LeaderStream(vertx, p, fresh, options.replicationTimeoutMs, minInSync(p), this);
        Topic t = nsqd.getOrCreateTopic(topic);
        synchronized (t) {
            leading.put(topic, s);
            for (Channel c : t.channelsSnapshot()) {
                if (c.ephemeral) continue;
                ReplicaConsumer rc = replicaConsumers.remove(c);
                if (rc != null) nsqd.unsubscribe(t, c, rc); // what it held goes back to the queue, for delivery
                c.replicaEvents(events(s));
            }
        }
        fenced.remove(topic);
        nsqd.registerWithLookupds(t);
        log.info("REPLICATION: leading topic {} (epoch {}, replicas {}, in sync {})", topic, p.epoch(), p.replicas(), p.inSync());
    }

    /** This node leads no more: publishes waiting here fail, its consumers go (to find the new leader through lookupd). */
    private void stepDown(String topic, String why) {
        log.info("REPLICATION: stepping down: {}", why);
        stopLeading(topic, why);
        roles.remove(topic);
        Topic t = nsqd.getTopic(topic);
        if (t == null) return;
        nsqd.unregisterFromLookupds(t);
        for (Channel c : t.channelsSnapshot()) {
            c.replicaEvents(null);
            for (Consumer consumer : c.clientsSnapshot()) if (!(consumer instanceof ReplicaConsumer)) consumer.close();
        }
    }

    private void stopLeading(String topic, String why) {
        LeaderStream s = leading.remove(topic);
        if (s != null) s.close(why);
    }

    /** A follower's channel: one {@link ReplicaConsumer} stands for the leader's consumers. */
    private void follow(Channel c) {
        if (replicaConsumers.containsKey(c)) return;
        ReplicaConsumer[] rc = new ReplicaConsumer[1];
        rc[0] = new ReplicaConsumer(() -> ctx.runOnContext(v -> rc[0].finishPending(c)));
        replicaConsumers.put(c, rc[0]);
        c.addClient(rc[0]);
        c.clientReady();
    }

    private void dropFollowers(String topic) {
        replicaConsumers.keySet().removeIf(c -> c.topicName.equals(topic));
    }

    private int minInSync(Placement p) {
        long want = options.replicationMinInSync > 0 ? options.replicationMinInSync : (p.factor() >= 2 ? 2 : 1);
        return (int) Math.min(want, p.factor());
    }

    // ---- following: what a leader sends ------------------------------------------------------

    private void onStream(Buffer request, Promise<Buffer> reply) {
        ReplicaOps.Reader r = new ReplicaOps.Reader(request);
        String topic = r.string();
        long epoch = r.int64();
        String leader = r.string();
        r.int64(); // the sequence of the last op: the leader's business
        Placement p = store.get(topic);
        if (p != null && epoch < p.epoch()) {
            reply.complete(ReplicaServer.answer(ReplicaServer.STALE,
                    "stale epoch " + epoch + " for topic " + topic + ": epoch " + p.epoch() + " is led by " + p.leader()));
            return;
        }
        if (p == null || epoch > p.epoch() || !p.leader().equals(leader)) {
            // the placement event has not reached us yet: read the cluster's copy first
            store.fetch(topic).onComplete(ar -> ctx.runOnContext(v -> {
                Placement q = ar.succeeded() ? ar.result() : null;
                if (q == null || q.epoch() != epoch || !q.leader().equals(leader) || !q.isReplica(self)) {
                    reply.complete(ReplicaServer.answer(q != null && epoch < q.epoch() ? ReplicaServer.STALE : ReplicaServer.REFUSED,
                            "no placement of topic " + topic + " with leader " + leader + " at epoch " + epoch));
                    return;
                }
                applyPlacement(topic, q);
                apply(topic, r, reply);
            }));
            return;
        }
        if (!p.isReplica(self)) {
            reply.complete(ReplicaServer.answer(ReplicaServer.REFUSED, "not a replica of topic " + topic));
            return;
        }
        if (roles.get(topic) != Role.FOLLOWER) applyPlacement(topic, p);
        apply(topic, r, reply);
    }

    /** Applies a request's ops in order; answers once what they wrote is held. */
    private void apply(String topic, ReplicaOps.Reader r, Promise<Buffer> reply) {
        List<Future<?>> writes = new ArrayList<>();
        try {
            Topic t = nsqd.getOrCreateTopic(topic);
            List<Message> pubs = new ArrayList<>();
            while (r.more()) {
                byte code = r.code();
                if (code != ReplicaOps.PUB && !pubs.isEmpty()) {
                    writes.add((t.put(pubs)));
                    pubs = new ArrayList<>();
                }
                switch (code) {
                    case ReplicaOps.PUB -> {
                        long id = r.int64(), ts = r.int64(), defer = r.int64();
                        Message m = new Message(id, ts, r.bytes());
                        m.deferMs = defer;
                        pubs.add(m);
                    }
                    case ReplicaOps.FIN -> {
                        Channel c = t.getChannel(r.string());
                        long id = r.int64();
                        ReplicaConsumer rc = c == null ? null : replicaConsumers.get(c);
                        if (rc != null) rc.finish(c, id);
                    }
                    case ReplicaOps.DEFER -> {
                        Channel c = t.getChannel(r.string());
                        long id = r.int64(), delay = r.int64();
                        ReplicaConsumer rc = c == null ? null : replicaConsumers.get(c);
                        if (rc != null) rc.defer(c, id, delay);
                    }
                    case ReplicaOps.RESET -> t = reset(t, r);
                    case ReplicaOps.SNAPSHOT_MESSAGE -> {
                        String channel = r.string();
                        long id = r.int64(), ts = r.int64();
                        int attempts = r.int16();
                        long dueIn = r.int64();
                        Message full = new Message(id, ts, r.bytes());
                        full.attempts = attempts;
                        full.deferMs = dueIn;
                        Channel c = channel.isEmpty() ? null : t.getChannel(channel);
                        if (channel.isEmpty()) writes.add((t.put(List.of(full))));
                        else if (c != null) writes.add((c.put(List.of(full))));
                    }
                    default -> writes.add(applyControl(t, code, r.string()));
                }
            }
            if (!pubs.isEmpty()) writes.add((t.put(pubs)));
        } catch (RuntimeException e) {
            log.error("REPLICATION: failed to apply the stream of topic {}", topic, e);
            reply.complete(ReplicaServer.answer(ReplicaServer.REFUSED, e.toString()));
            return;
        }
        Future.all(writes).onComplete(ar -> reply.complete(ar.succeeded() ? ReplicaServer.answer(ReplicaServer.OK, null)
                : ReplicaServer.answer(ReplicaServer.REFUSED, String.valueOf(ar.cause()))));
    }

    /** Catch-up begins: what this node held of the topic goes, and the leader's channels come. */
    private Topic reset(Topic t, ReplicaOps.Reader r) {
        boolean topicPaused = r.flag();
        int n = r.int32();
        dropFollowers(t.name);
        nsqd.deleteTopic(t.name);
        Topic fresh = nsqd.getOrCreateTopic(t.name);
        if (topicPaused) fresh.pause();
        for (int i = 0; i < n; i++) {
            String name = r.string();
            boolean paused = r.flag();
            Channel c = fresh.getOrCreateChannel(name);
            if (paused) c.pause();
        }
        nsqd.persistMetadata();
        log.info("REPLICATION: topic {} reset for catch-up ({} channels)", t.name, n);
        return fresh;
    }

    // ---- catch-up snapshots (leader side) -----------------------------------------------------

    @Override
    public void snapshot(String topic, FollowerLink link) {
        ctx.runOnContext(v -> CatchUpSnapshot.take(nsqd.getTopic(topic), ctx).onSuccess(parts -> {
            log.info("REPLICATION: catch-up of {} for topic {}: {} part(s)", link.node, topic, parts.size());
            link.snapshotReady(parts);
        }));
    }

    // ---- the leader's asks of the node --------------------------------------------------------

    @Override
    public void lagging(String topic, String follower) {
        change(topic, p -> p.isInSync(follower) && p.leader().equals(self) ? p.withoutInSync(follower) : null,
                "follower " + follower + " leaves the in-sync set (it lagged over " + options.replicationTimeoutMs + " ms, or needs a catch-up)");
    }

    @Override
    public void caughtUp(String topic, String follower) {
        change(topic, p -> !p.isInSync(follower) && p.isReplica(follower) && p.leader().equals(self) ? p.withInSyncAdded(follower) : null,
                "follower " + follower + " caught up and is in sync again");
    }

    @Override
    public void stale(String topic, String why) {
        ctx.runOnContext(v -> {
            if (roles.get(topic) != Role.LEADER) return;
            LeaderStream s = leading.get(topic);
            orphanedAt.put(topic, s == null ? 0 : s.placement().epoch());
            stepDown(topic, why);
            orphaned.add(topic); // until a newer placement can be read: this node may be the one cut off
            store.fetch(topic).onSuccess(p -> ctx.runOnContext(x -> applyPlacement(topic, p)));
        });
    }

    @Override
    public boolean live(String node) { return controller.live(node); }

    /** A compare-and-set of a topic's placement; one at a time per topic, retried at the next tick if lost. */
    private void change(String topic, java.util.function.UnaryOperator<Placement> how, String what) {
        Placement p = store.get(topic);
        if (p == null || !changing.add(topic)) return;
        Placement next = how.apply(p);
        if (next == null) {
            changing.remove(topic);
            return;
        }
        store.replace(p, next).onComplete(ar -> {
            changing.remove(topic);
            if (ar.succeeded() && ar.result()) log.info("REPLICATION: topic {}: {}", topic, what);
        });
    }

    // ---- forwarding to the leader ---------------------------------------------------------------

    private Buffer forwardPub(String topic, List<byte[]> bodies, long deferMs) {
        Buffer b = ReplicaOps.string(Buffer.buffer().appendByte(FORWARD_PUB), topic).appendLong(deferMs).appendInt(bodies.size());
        for (byte[] body : bodies) b.appendInt(body.length).appendBytes(body);
        return b;
    }

    private Future<Void> forward(String leader, Buffer req) {
        DeliveryOptions o = new DeliveryOptions().setSendTimeout(options.replicationTimeoutMs * 2 + 1000);
        return vertx.eventBus().<Buffer>request(LEADER_PREFIX + leader, req, o).<Void>mapEmpty()
                .recover(e -> Future.failedFuture(e instanceof ReplyException re && re.getMessage() != null
                        ? re.getMessage() : "leader " + leader + " did not answer"));
    }

    private void onForwarded(io.vertx.core.eventbus.Message<Buffer> msg) {
        ReplicaOps.Reader r = new ReplicaOps.Reader(msg.body());
        byte kind = r.code();
        String topic = r.string();
        Placement known = store.get(topic);
        // placed a moment ago by the sender: its placement event may not have reached us yet
        Future<Placement> placement = known != null && known.leader().equals(self) ? Future.succeededFuture(known) : store.fetch(topic);
        placement.onComplete(ar -> {
            Placement p = ar.succeeded() ? ar.result() : null;
            if (p == null || !p.leader().equals(self)) msg.fail(NOT_LEADER, "topic " + topic + " is not led by " + self);
            else forwarded(msg, r, kind, topic);
        });
    }

    private void forwarded(io.vertx.core.eventbus.Message<Buffer> msg, ReplicaOps.Reader r, byte kind, String topic) {
        Future<Void> done;
        if (kind == FORWARD_PUB) {
            long deferMs = r.int64();
            int n = r.int32();
            List<byte[]> bodies = new ArrayList<>(n);
            for (int i = 0; i < n; i++) bodies.add(r.bytes());
            done = publishAsLeader(topic, bodies, deferMs);
        } else {
            byte code = r.code();
            done = controlAsLeader(topic, code, r.string());
        }
        done.onComplete(ar -> {
            if (ar.succeeded()) msg.reply(Buffer.buffer());
            else msg.fail(500, ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage());
        });
    }

    // ---- the tick: leases, streams, the controller ---------------------------------------------

    private void tick() {
        long now = System.nanoTime();
        long gapMs = (now - lastTickNs) / 1_000_000L;
        lastTickNs = now;
        if (gapMs > Math.max(3_000, TICK_MS * 4)) fenceAfterPause(gapMs);
        for (Map.Entry<String, Long> f : fenced.entrySet()) {
            // fenced until a follower has answered a request sent after every older one timed out
            if ((now - f.getValue()) / 1_000_000L > options.replicationTimeoutMs * 2) confirmLeadership(f.getKey());
        }
        for (LeaderStream s : leading.values()) s.tick(now);
        if (controller.isController()) controller.run();
        recheckOrphans();
    }

    /**
     * This process was stopped (SIGSTOP, a long pause): the cluster may have moved leadership
     * meanwhile. Until that is ruled out, topics led here deliver nothing and are not registered.
     */
    private void fenceAfterPause(long gapMs) {
        for (String topic : leading.keySet()) {
            if (fenced.putIfAbsent(topic, System.nanoTime()) != null) continue;
            log.warn("REPLICATION: paused for {} ms; topic {} fenced until its leadership is confirmed", gapMs, topic);
            Topic t = nsqd.getTopic(topic);
            if (t == null) continue;
            nsqd.unregisterFromLookupds(t);
            for (Channel c : t.channelsSnapshot())
                for (Consumer consumer : c.clientsSnapshot()) if (!(consumer instanceof ReplicaConsumer)) consumer.close();
        }
    }

    /** Reads the cluster's placement: still the leader at the same epoch, with followers answering, it delivers again. */
    private void confirmLeadership(String topic) {
        LeaderStream s = leading.get(topic);
        if (s == null) {
            fenced.remove(topic);
            return;
        }
        store.fetch(topic).onComplete(ar -> ctx.runOnContext(v -> {
            Placement p = ar.succeeded() ? ar.result() : null;
            if (p == null) return; // not readable from here (cut off): stay fenced
            if (!p.leader().equals(self) || p.epoch() != s.placement().epoch()) {
                fenced.remove(topic);
                applyPlacement(topic, p);
                return;
            }
            // not yet: stay fenced until a follower has answered at this epoch since the pause (a
            // follower that knows a newer one answers "stale" instead, and this node steps down)
            Long since = fenced.get(topic);
            if (!p.followers().isEmpty() && (since == null || !s.answeredSince(since))) return;
            if (fenced.remove(topic) != null) {
                log.info("REPLICATION: leadership of topic {} confirmed (epoch {})", topic, p.epoch());
                Topic t = nsqd.getTopic(topic);
                if (t != null) nsqd.registerWithLookupds(t);
            }
        }));
    }

    /**
     * An orphaned topic normally learns its newer placement from the re-read after Hazelcast's
     * merge; ReplicationProcessTest once saw an old leader whose copy of the placement was gone
     * after the merge with no event to bring it back. So once a majority is visible again, the
     * placement is read again at each tick until a newer epoch shows up.
     */
    private void recheckOrphans() {
        if (orphaned.isEmpty() || !controller.majority(controller.liveNodes())) return;
        for (String topic : orphaned) {
            if (!rechecking.add(topic)) continue;
            store.fetch(topic).onComplete(ar -> ctx.runOnContext(v -> {
                rechecking.remove(topic);
                if (ar.succeeded() && ar.result() != null) applyPlacement(topic, ar.result());
            }));
        }
    }
}
