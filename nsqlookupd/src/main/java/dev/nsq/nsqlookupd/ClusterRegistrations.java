package dev.nsq.nsqlookupd;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.cluster.ClusterBootstrap;
import dev.nsq.protocol.lookup.ClusterAddresses;
import dev.nsq.protocol.lookup.ClusterRegistration;
import dev.nsq.protocol.lookup.LookupPeerInfo;
import dev.nsq.protocol.lookup.TopicChannel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event-bus twin of {@link LookupProtocolV1}: consumes the {@link ClusterRegistration}s every
 * nsqd in the Vert.x cluster publishes and files them in the same {@link RegistrationDB}. Each
 * message counts as a PING; a SYNC replaces all the node knew of itself. A node that leaves the
 * cluster leaves every registration at once. On start this lookupd asks every nsqd for a SYNC
 * ({@link ClusterAddresses#RESYNC}), so a lookupd that joins late or restarts is current at once.
 *
 * <p>Thread-safety: messages arrive on this verticle's context, membership events on a Hazelcast
 * thread; the peer map is concurrent and the database has its own lock.
 */
final class ClusterRegistrations {
    private static final Logger log = LoggerFactory.getLogger(ClusterRegistrations.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID_PREFIX = "cluster:";

    private final Vertx vertx;
    private final RegistrationDB db;
    private final Map<String, PeerInfo> peers = new ConcurrentHashMap<>();
    private MessageConsumer<Buffer> consumer;

    ClusterRegistrations(Vertx vertx, RegistrationDB db) {
        this.vertx = vertx;
        this.db = db;
    }

    /** Completes once the consumer is known cluster-wide and the nsqds have been asked to re-sync. */
    Future<Void> start() {
        ClusterBootstrap.onNodeLeft(vertx, this::nodeLeft);
        consumer = vertx.eventBus().consumer(ClusterAddresses.REGISTRATIONS, m -> handle(m.body()));
        return consumer.completion().onSuccess(v -> {
            log.info("CLUSTER: listening for registrations; asking every nsqd for its state");
            vertx.eventBus().publish(ClusterAddresses.RESYNC, "");
        });
    }

    private void handle(Buffer body) {
        ClusterRegistration r;
        try {
            r = JSON.readValue(body.getBytes(), ClusterRegistration.class);
        } catch (Exception e) {
            log.error("CLUSTER: failed to decode a registration - {}", e.toString());
            return;
        }
        if (r.op() == null || r.nodeId() == null || r.peer() == null) return;
        // a message still in flight from a node that has already left must not bring it back
        if (!ClusterBootstrap.isMember(vertx, r.nodeId())) return;
        PeerInfo peer = peer(r.nodeId(), r.peer());
        switch (r.op()) {
            case REGISTER -> { if (r.registration() != null) db.register(peer, r.registration().topic(), r.registration().channel()); }
            case UNREGISTER -> { if (r.registration() != null) db.unregister(peer, r.registration().topic(), r.registration().channel()); }
            case SYNC -> sync(peer, r.registrations() == null ? List.of() : r.registrations());
        }
    }

    /** The node's peer, created on its first message (and replaced if its addresses changed); touched. */
    private PeerInfo peer(String nodeId, LookupPeerInfo info) {
        String id = ID_PREFIX + nodeId;
        PeerInfo fresh = new PeerInfo(id, info.broadcastAddress() + ":" + info.tcpPort(), info.hostname(),
                info.broadcastAddress(), info.tcpPort(), info.httpPort(), info.version());
        PeerInfo known = peers.get(id);
        if (known == null || !known.sameAddresses(fresh)) {
            if (known != null) db.removePeer(id);
            peers.put(id, fresh);
            log.info("CLUSTER: node {} is {}:{} (HTTP {})", nodeId, info.broadcastAddress(), info.tcpPort(), info.httpPort());
            db.identify(fresh);
            return fresh;
        }
        known.touch();
        return known;
    }

    /** Makes the node's registrations exactly {@code regs}. */
    private void sync(PeerInfo peer, List<TopicChannel> regs) {
        Set<Registration> wanted = new HashSet<>();
        wanted.add(Registration.CLIENTS);
        for (TopicChannel tc : regs) {
            wanted.add(Registration.topic(tc.topic()));
            if (tc.channel() != null) wanted.add(Registration.channel(tc.topic(), tc.channel()));
        }
        for (Registration r : db.lookupRegistrations(peer.id)) {
            if (wanted.contains(r)) continue;
            db.unregister(peer, r.key(), r.category().equals(Registration.CHANNEL) ? r.subKey() : null);
        }
        for (TopicChannel tc : regs) db.register(peer, tc.topic(), tc.channel());
    }

    private void nodeLeft(String nodeId) {
        PeerInfo gone = peers.remove(ID_PREFIX + nodeId);
        if (gone == null) return;
        log.info("CLUSTER: node {} ({}:{}) left the cluster", nodeId, gone.broadcastAddress, gone.tcpPort);
        db.removePeer(gone.id);
    }

    Future<Void> close() {
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }
}
