package dev.nsq.nsqd.lookup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.cluster.ClusterBootstrap;
import dev.nsq.protocol.lookup.ClusterAddresses;
import dev.nsq.protocol.lookup.ClusterRegistration;
import dev.nsq.protocol.lookup.ClusterRegistration.Op;
import dev.nsq.protocol.lookup.LookupPeerInfo;
import dev.nsq.protocol.lookup.TopicChannel;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * The event-bus side of the lookup loop: publishes this node's registrations to every nsqlookupd
 * in the Vert.x cluster. Changes go out as REGISTER/UNREGISTER; a SYNC with the whole state goes
 * out at start, every ping interval (a lookupd that joined late or restarted is current within one
 * interval) and at once when a lookupd asks on {@link ClusterAddresses#RESYNC}.
 *
 * <p>Confined to the lookup loop's context.
 */
public final class ClusterRegistrar {
    private static final Logger log = LoggerFactory.getLogger(ClusterRegistrar.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final String nodeId;
    private final Supplier<List<TopicChannel>> registrations;
    private final Supplier<LookupPeerInfo> self;
    private MessageConsumer<Object> resync;

    private ClusterRegistrar(Vertx vertx, String nodeId, Supplier<List<TopicChannel>> registrations, Supplier<LookupPeerInfo> self) {
        this.vertx = vertx;
        this.nodeId = nodeId;
        this.registrations = registrations;
        this.self = self;
    }

    /** A registrar when the Vert.x instance is clustered, else null. */
    static ClusterRegistrar forVertx(Vertx vertx, Supplier<List<TopicChannel>> registrations, Supplier<LookupPeerInfo> self) {
        String id = ClusterBootstrap.nodeId(vertx);
        return id == null ? null : new ClusterRegistrar(vertx, id, registrations, self);
    }

    public String nodeId() { return nodeId; }

    void start() {
        resync = vertx.eventBus().consumer(ClusterAddresses.RESYNC, m -> {
            log.info("CLUSTER: a lookupd asked for a re-sync");
            sync();
        });
        sync();
    }

    void changed(boolean add, TopicChannel tc) {
        publish(new ClusterRegistration(add ? Op.REGISTER : Op.UNREGISTER, nodeId, self.get(), tc, null));
    }

    void sync() {
        publish(new ClusterRegistration(Op.SYNC, nodeId, self.get(), null, registrations.get()));
    }

    private void publish(ClusterRegistration r) {
        try {
            vertx.eventBus().publish(ClusterAddresses.REGISTRATIONS, Buffer.buffer(JSON.writeValueAsBytes(r)));
        } catch (Exception e) {
            log.error("CLUSTER: failed to publish {} - {}", r.op(), e.toString());
        }
    }

    void close() {
        if (resync != null) resync.unregister();
    }
}
