package dev.nsq.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.MapConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Vert.x for a daemon: clustered over Hazelcast when {@link ClusterOptions#enabled()}, plain
 * otherwise. Hazelcast joins by an explicit TCP-IP member list (multicast off) so it works on
 * loopback and in docker-compose alike, with join waits cut to zero (cluster formation ~13 s with
 * Hazelcast's defaults, ~4 s so; docs/performance-notes.md).
 */
public final class ClusterBootstrap {
    private static final Logger log = LoggerFactory.getLogger(ClusterBootstrap.class);

    private static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

    private ClusterBootstrap() {}

    public static Future<Vertx> start(ClusterOptions o) {
        if (!o.enabled()) return Future.succeededFuture(logTransport(Vertx.vertx(vertxOptions())));
        HazelcastClusterManager cm = new HazelcastClusterManager(hazelcastConfig(o));
        String host = bindHost(o);
        VertxOptions vo = vertxOptions().setEventBusOptions(new EventBusOptions().setHost(host).setPort(0));
        log.info("CLUSTER: joining {} as {}:{}", o.members, host, o.port);
        return Vertx.builder().with(vo).withClusterManager(cm).buildClustered()
                .onSuccess(v -> log.info("CLUSTER: joined as node {}", cm.getNodeId())).map(ClusterBootstrap::logTransport);
    }

    /**
     * What every daemon's Vert.x starts with: Netty's native epoll transport where it loads (Linux
     * x86-64), NIO elsewhere. Under load NIO's selector loop spent a third of a busy event loop in
     * clock reads and empty selects; epoll wakes less and cut the publish-to-receive tail in half.
     */
    public static VertxOptions vertxOptions() { return new VertxOptions().setPreferNativeTransport(true); }

    private static Vertx logTransport(Vertx v) {
        log.info("VERTX: {} transport", v.isNativeTransportEnabled() ? "native (epoll)" : "NIO");
        return v;
    }

    /** The node ID of a clustered Vert.x, or null when not clustered. */
    public static String nodeId(Vertx vertx) {
        if (vertx instanceof io.vertx.core.internal.VertxInternal vi && vi.clusterManager() != null) {
            return vi.clusterManager().getNodeId();
        }
        return null;
    }

    /**
     * Calls {@code listener} with the node ID of every member that leaves the cluster (stops,
     * crashes, is cut off), on a Hazelcast thread. No-op when not clustered. Hazelcast's own
     * membership events, because Vert.x's node listener slot is taken by Vert.x itself.
     */
    public static void onNodeLeft(Vertx vertx, java.util.function.Consumer<String> listener) {
        if (!(vertx instanceof io.vertx.core.internal.VertxInternal vi)
                || !(vi.clusterManager() instanceof HazelcastClusterManager hz)) return;
        hz.getHazelcastInstance().getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
            @Override
            public void memberAdded(com.hazelcast.cluster.MembershipEvent e) { }

            @Override
            public void memberRemoved(com.hazelcast.cluster.MembershipEvent e) {
                // vertx-hazelcast files the Vert.x node ID as a member attribute (it is not the member UUID)
                String id = e.getMember().getAttribute(VERTX_NODE_ID_ATTRIBUTE);
                listener.accept(id != null ? id : e.getMember().getUuid().toString());
            }
        });
    }

    /**
     * The Hazelcast member under a clustered Vert.x, or null when not clustered. nsqd keeps the
     * placement of replicated topics in its maps, so every node agrees on leaders and epochs.
     */
    public static com.hazelcast.core.HazelcastInstance hazelcast(Vertx vertx) {
        if (vertx instanceof io.vertx.core.internal.VertxInternal vi && vi.clusterManager() instanceof HazelcastClusterManager hz)
            return hz.getHazelcastInstance();
        return null;
    }

    /** The Vert.x node IDs of the current members, oldest first (Hazelcast's order); empty when not clustered. */
    public static java.util.List<String> membersOldestFirst(Vertx vertx) {
        com.hazelcast.core.HazelcastInstance hz = hazelcast(vertx);
        if (hz == null) return java.util.List.of();
        java.util.List<String> out = new java.util.ArrayList<>();
        for (com.hazelcast.cluster.Member m : hz.getCluster().getMembers()) {
            String id = m.getAttribute(VERTX_NODE_ID_ATTRIBUTE);
            out.add(id != null ? id : m.getUuid().toString());
        }
        return out;
    }

    /** True when {@code nodeId} is a current member (always true when not clustered). */
    public static boolean isMember(Vertx vertx, String nodeId) {
        if (!(vertx instanceof io.vertx.core.internal.VertxInternal vi) || vi.clusterManager() == null) return true;
        return vi.clusterManager().getNodes().contains(nodeId);
    }

    static String bindHost(ClusterOptions o) {
        if (!o.host.isEmpty()) return o.host;
        String first = o.members.get(0);
        int i = first.lastIndexOf(':');
        String h = i < 0 ? first : first.substring(0, i);
        return h.equals("127.0.0.1") || h.equals("localhost") ? "127.0.0.1" : "0.0.0.0".equals(h) ? "127.0.0.1" : hostOrAuto(h);
    }

    private static String hostOrAuto(String memberHost) {
        try {
            // in docker-compose the members are service names: advertise our own address
            return java.net.InetAddress.getLocalHost().getHostAddress();
        } catch (Exception e) {
            return memberHost;
        }
    }

    static Config hazelcastConfig(ClusterOptions o) {
        Config c = new Config();
        c.setClusterName("nsq");
        c.setProperty("hazelcast.wait.seconds.before.join", "0");
        c.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        // a crashed member is noticed within seconds, not Hazelcast's default minute
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", "6");
        // a member cut off and back (a partition healed, a process resumed) merges within seconds,
        // not Hazelcast's default of minutes: until then it sees a cluster of its own
        c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        c.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        c.getNetworkConfig().setPort(o.port).setPortAutoIncrement(false);
        String host = bindHost(o);
        c.getNetworkConfig().setPublicAddress(host + ":" + o.port);
        c.getNetworkConfig().getInterfaces().setEnabled(false);
        JoinConfig join = c.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1);
        for (String m : o.members) join.getTcpIpConfig().addMember(m);
        // what vertx-hazelcast's default-cluster.xml sets up for the event bus
        c.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
                .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
        c.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
        c.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
        return c;
    }
}
