package dev.nsq.nsqd;

import dev.nsq.cluster.ClusterBootstrap;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Who is alive among the nsqd of the cluster, and what follows when one leaves (docs/replication.md,
 * "Placement" and "Failover"). Every nsqd can place a new topic; the oldest nsqd member (the
 * controller) moves leadership to an in-sync replica when a leader is gone and replaces replicas
 * that are gone. Nothing here acts without a majority: more than half of the nsqd that ever filed
 * an address must be members, so a side cut off from the rest never elects a second leader.
 */
final class ReplicationController {
    private static final Logger log = LoggerFactory.getLogger(ReplicationController.class);

    /** A compare-and-set of a topic's placement ({@code how} answers null for "nothing to do"). */
    interface Change {
        void apply(String topic, UnaryOperator<Placement> how, String what);
    }

    /** How many topics each node leads and how many replicas it holds: new placements go where there are fewest. */
    private record Load(Map<String, Integer> leaders, Map<String, Integer> replicas) {
        int leading(String node) { return leaders.getOrDefault(node, 0); }

        int holding(String node) { return replicas.getOrDefault(node, 0); }
    }

    private final PlacementStore store;
    private final Vertx vertx;
    private final String self;
    private final Change change;

    ReplicationController(PlacementStore store, Vertx vertx, String self, Change change) {
        this.store = store;
        this.vertx = vertx;
        this.self = self;
        this.change = change;
    }

    /** A node's Vert.x node ID, as it filed it with its stream address ("id host:port"). */
    String nodeId(String node) {
        String filed = store.nodes().get(node);
        if (filed == null) return null;
        int i = filed.indexOf(' ');
        return i < 0 ? filed : filed.substring(0, i);
    }

    /** Where a node's stream listener is ({@code host:port}), or null when it filed none. */
    String streamAddress(String node) {
        String filed = store.nodes().get(node);
        int i = filed == null ? -1 : filed.indexOf(' ');
        return i < 0 ? null : filed.substring(i + 1);
    }

    /** True while the node is a member of the cluster this nsqd sees. */
    boolean live(String node) {
        String id = nodeId(node);
        return id != null && ClusterBootstrap.isMember(vertx, id);
    }

    List<String> liveNodes() {
        List<String> out = new ArrayList<>();
        for (String n : store.nodes().keySet()) if (live(n)) out.add(n);
        Collections.sort(out);
        return out;
    }

    /** More than half of the nsqd that ever filed an address are members: this side of a split may act. */
    boolean majority(List<String> live) { return live.size() * 2 > store.nodes().size(); }

    /**
     * A new topic's placement, spread evenly: the leader where fewest topics are led, followers
     * where fewest replicas live, ties broken by the topic's hash so that topics created together do
     * not all land on one node. Throws when this side may not place, or has too few nsqd.
     */
    Placement place(String topic, int factor) {
        List<String> live = liveNodes();
        if (!majority(live)) throw new IllegalStateException("this nsqd sees " + live.size() + " of " + store.nodes().size() + " nsqd: not a majority");
        if (factor > live.size()) throw new IllegalStateException("replication factor " + factor + " exceeds the " + live.size() + " live nsqd");
        Load load = load();
        List<String> order = new ArrayList<>(live);
        Collections.rotate(order, -Math.floorMod(topic.hashCode(), order.size()));
        String leader = order.stream().min(Comparator.comparingInt(load::leading)).orElseThrow();
        List<String> chosen = new ArrayList<>(List.of(leader));
        order.remove(leader);
        order.sort(Comparator.comparingInt(load::holding));
        for (String n : order) if (chosen.size() < factor) chosen.add(n);
        return new Placement(topic, factor, 1, leader, chosen, chosen);
    }

    /** The oldest nsqd in the cluster is the controller. */
    boolean isController() {
        Map<String, String> byId = new HashMap<>();
        for (String node : store.nodes().keySet()) byId.put(nodeId(node), node);
        for (String member : ClusterBootstrap.membersOldestFirst(vertx)) {
            String address = byId.get(member);
            if (address != null) return address.equals(self);
        }
        return false;
    }

    /** One round of the controller: new leaders for topics whose leader is gone, new replicas for gone ones. */
    void run() {
        List<String> live = liveNodes();
        if (!majority(live)) return; // a minority (cut off) must not move leaders: the majority does
        Load load = load();
        for (Placement p : store.all().values()) {
            if (!live.contains(p.leader())) electLeader(p, live, load);
            else replaceGoneReplica(p, live, load);
        }
    }

    /** The in-sync replica that leads the fewest topics becomes leader, with the next epoch. */
    private void electLeader(Placement p, List<String> live, Load load) {
        String next = null;
        for (String c : p.inSync()) {
            if (c.equals(p.leader()) || !live.contains(c)) continue;
            if (next == null || load.leading(c) < load.leading(next)) next = c;
        }
        if (next == null) {
            log.warn("REPLICATION: topic {} has no live in-sync replica to lead it (leader {} gone)", p.topic(), p.leader());
            return;
        }
        String chosen = next;
        change.apply(p.topic(), q -> q.epoch() == p.epoch() ? q.withLeader(chosen) : null,
                "leader " + p.leader() + " gone; " + chosen + " leads at epoch " + (p.epoch() + 1));
    }

    /** A replica that is gone is replaced by the live nsqd holding the fewest replicas (out of sync until caught up). */
    private void replaceGoneReplica(Placement p, List<String> live, Load load) {
        for (String r : p.replicas()) {
            if (live.contains(r)) continue;
            Set<String> taken = new HashSet<>(p.replicas());
            String spare = null;
            for (String n : live) {
                if (taken.contains(n)) continue;
                if (spare == null || load.holding(n) < load.holding(spare)) spare = n;
            }
            String replacement = spare;
            change.apply(p.topic(), q -> q.isReplica(r) ? q.withReplicaReplaced(r, replacement) : null,
                    "replica " + r + " gone; " + (replacement == null ? "no spare nsqd" : replacement + " replaces it"));
            return;
        }
    }

    private Load load() {
        Map<String, Integer> leaders = new HashMap<>(), replicas = new HashMap<>();
        for (Placement q : store.all().values()) {
            leaders.merge(q.leader(), 1, Integer::sum);
            for (String r : q.replicas()) replicas.merge(r, 1, Integer::sum);
        }
        return new Load(leaders, replicas);
    }
}
