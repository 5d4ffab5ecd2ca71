package dev.nsq.nsqd.lookup;

import dev.nsq.protocol.lookup.LookupPeerInfo;
import dev.nsq.protocol.lookup.TopicChannel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * nsqd's lookup loop (NSQ's lookup.go): keeps every nsqlookupd told of every topic and channel
 * this node has, over TCP V1 to each {@code --lookupd-tcp-address} and, in cluster mode, over the
 * clustered event bus. Topic and channel changes arrive as notifications from any thread and are
 * handled on the loop's own context, in order.
 *
 * <p>Thread-safety: public methods may be called from any thread; state is confined to {@link #ctx},
 * except {@link #peerList}, an immutable snapshot of the peers that other threads read.
 */
public final class LookupLoop {
    private static final Logger log = LoggerFactory.getLogger(LookupLoop.class);
    private final Vertx vertx;
    private final Context ctx;
    private final Supplier<List<TopicChannel>> registrations;
    private final Supplier<LookupPeerInfo> self;
    /** Confined to {@link #ctx}. */
    private final Map<String, LookupPeer> peers = new LinkedHashMap<>();
    /** {@link #peers}' values for other threads (publishers creating topics): replaced, never changed. */
    private volatile List<LookupPeer> peerList = List.of();
    private final ClusterRegistrar cluster;
    private long pingTimer = -1;

    /**
     * @param registrations every topic (without channels) and channel this node has, now
     * @param self          this node's addresses as lookupds should publish them
     */
    public LookupLoop(Vertx vertx, Supplier<List<TopicChannel>> registrations, Supplier<LookupPeerInfo> self, long pingIntervalMs) {
        this.vertx = vertx;
        this.ctx = vertx.getOrCreateContext();
        this.registrations = registrations;
        this.self = self;
        this.cluster = ClusterRegistrar.forVertx(vertx, registrations, self);
        ctx.runOnContext(v -> {
            pingTimer = vertx.setPeriodic(pingIntervalMs, id -> tick());
            if (cluster != null) cluster.start();
        });
    }

    /** Sets the lookupds to talk to (startup and PUT /config/nsqlookupd_tcp_addresses). */
    public void setAddresses(List<String> addresses) {
        List<String> copy = List.copyOf(addresses);
        ctx.runOnContext(v -> {
            for (String old : new ArrayList<>(peers.keySet())) {
                if (!copy.contains(old)) {
                    log.info("LOOKUP({}): removing peer", old);
                    peers.remove(old).close();
                }
            }
            for (String a : copy) {
                if (!peers.containsKey(a)) {
                    log.info("LOOKUP({}): adding peer", a);
                    LookupPeer p = new LookupPeer(vertx, a, self.get(), registrations);
                    peers.put(a, p);
                    p.ping(); // connect now, as NSQ does at startup
                }
            }
            peerList = List.copyOf(peers.values());
        });
    }

    public void topicAdded(String topic) { notify(true, TopicChannel.topic(topic)); }

    public void topicRemoved(String topic) { notify(false, TopicChannel.topic(topic)); }

    public void channelAdded(String topic, String channel) { notify(true, new TopicChannel(topic, channel)); }

    public void channelRemoved(String topic, String channel) { notify(false, new TopicChannel(topic, channel)); }

    private void notify(boolean add, TopicChannel tc) {
        ctx.runOnContext(v -> {
            for (LookupPeer p : peers.values()) {
                if (add) p.register(tc);
                else p.unregister(tc);
            }
            if (cluster != null) cluster.changed(add, tc);
        });
    }

    private void tick() {
        for (LookupPeer p : peers.values()) p.ping();
        if (cluster != null) cluster.sync();
    }

    /** HTTP addresses of the lookupds known now (TCP peers' announced addresses), for channel pre-creation. */
    public List<String> lookupdHttpAddresses() {
        List<String> out = new ArrayList<>();
        for (LookupPeer p : peerList) {
            String http = p.httpAddress();
            if (http != null) out.add(http);
        }
        return out;
    }

    /** True when lookupds are configured (TCP or cluster), so new topics ask them for channels. */
    /** How many TCP lookupd peers there are now (a snapshot; changes apply in order on the loop). */
    int peerCount() { return peerList.size(); }

    public boolean hasLookupds() { return !peerList.isEmpty() || cluster != null; }

    public ClusterRegistrar cluster() { return cluster; }

    public void close() {
        ctx.runOnContext(v -> {
            if (pingTimer >= 0) vertx.cancelTimer(pingTimer);
            for (LookupPeer p : peers.values()) p.close();
            peers.clear();
            peerList = List.of();
            if (cluster != null) cluster.close();
        });
    }
}
