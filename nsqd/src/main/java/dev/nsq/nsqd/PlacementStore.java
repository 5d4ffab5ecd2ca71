package dev.nsq.nsqd;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The cluster's agreed view of replicated topics and of the nsqd taking part, in two Hazelcast
 * maps: placements (topic to {@link Placement} as JSON) and nodes (an nsqd's address,
 * {@code <broadcast_address>:<tcp_port>}, to its current Vert.x node ID). Replicas are named by
 * address, which outlives a restart; the node ID tells whether that nsqd is a member now. Reads come from a local copy that Hazelcast's entry events
 * keep current, so the publish path never waits on the network; writes are compare-and-set and run
 * on one ordered worker context, because Hazelcast's calls block.
 */
final class PlacementStore {
    static final String PLACEMENTS = "nsq.replication.placements";
    static final String NODES = "nsq.replication.nodes";

    /** Set by {@link #start}: creating a map's proxy is itself a blocking cluster call. */
    private IMap<String, String> placements;
    private IMap<String, String> nodes;
    /** Hazelcast's calls block: they run here, one at a time, never on an event loop. */
    private final Context worker;
    private final Map<String, Placement> local = new ConcurrentHashMap<>();
    private final Map<String, String> addresses = new ConcurrentHashMap<>();

    private final HazelcastInstance hz;

    PlacementStore(Vertx vertx, HazelcastInstance hz) {
        this.hz = hz;
        this.worker = ((VertxInternal) vertx).createWorkerContext();
    }

    /**
     * Files this node's address and starts following both maps; {@code changed} hears every
     * placement change (null when the topic stopped being replicated), on a Hazelcast thread.
     */
    Future<Void> start(String self, String vertxNodeId, BiConsumer<String, Placement> changed) {
        return blocking(() -> {
            placements = hz.getMap(PLACEMENTS);
            nodes = hz.getMap(NODES);
            nodes.addEntryListener(new NodeListener(), true);
            nodes.put(self, vertxNodeId);
            addresses.putAll(nodes);
            placements.addEntryListener(new PlacementListener(changed), true);
            reload(changed);
            // back from a split (a partition healed, this process resumed): the cluster's entries
            // won the merge, and entries that did not change send no event, so read them all again
            hz.getLifecycleService().addLifecycleListener(e -> {
                if (e.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.MERGED) {
                    blocking(() -> {
                        nodes.put(self, vertxNodeId);
                        reload(changed);
                        return null;
                    });
                }
            });
            return null;
        });
    }

    private void reload(BiConsumer<String, Placement> changed) {
        addresses.putAll(nodes);
        Map<String, String> now = new java.util.HashMap<>(placements);
        for (String topic : local.keySet()) {
            if (!now.containsKey(topic)) {
                local.remove(topic);
                changed.accept(topic, null);
            }
        }
        for (Map.Entry<String, String> e : now.entrySet()) {
            Placement p = Placement.fromJson(e.getValue());
            if (accept(p)) changed.accept(e.getKey(), p);
        }
    }

    /**
     * Takes a placement into the local copy unless it is older than what this node knows: epochs
     * never go back here. A member cut off from the cluster still has the old placement in its own
     * partitions, and may write to them and send their events to listeners on this side; taking
     * them would make this node follow a leader the cluster has replaced. True if taken.
     */
    private boolean accept(Placement p) {
        boolean[] taken = {false};
        local.compute(p.topic(), (k, old) -> {
            // same epoch too: an in-sync or replica change's event can arrive after a fresher copy
            // was read (fetch), and taking it would e.g. drop a just caught-up replica as "placed elsewhere"
            if (old != null && old.newerThan(p)) return old;
            taken[0] = true;
            return p;
        });
        return taken[0];
    }

    /** The placement as last heard, or null when the topic is not replicated (or not known yet). */
    Placement get(String topic) { return local.get(topic); }

    Map<String, Placement> all() { return local; }

    /** Every nsqd that filed its address, to its Vert.x node ID (alive or not). */
    Map<String, String> nodes() { return addresses; }

    /** Reads the cluster's copy (not the local one): for a topic this node has not heard of yet. */
    Future<Placement> fetch(String topic) {
        return blocking(() -> {
            Placement p = Placement.fromJson(placements.get(topic));
            if (p != null) accept(p);
            return p == null ? null : local.get(topic);
        });
    }

    /** Creates a placement unless one exists; completes with whichever is in the map after. */
    Future<Placement> create(Placement p) {
        return blocking(() -> {
            String prev = placements.putIfAbsent(p.topic(), p.toJson());
            Placement now = prev == null ? p : Placement.fromJson(prev);
            accept(now);
            return local.get(p.topic());
        });
    }

    /** Replaces {@code from} by {@code to} only if the map still holds {@code from}; true if it did. */
    Future<Boolean> replace(Placement from, Placement to) {
        return blocking(() -> {
            boolean done = placements.replace(from.topic(), from.toJson(), to.toJson());
            Placement now = done ? to : Placement.fromJson(placements.get(from.topic()));
            if (now != null) accept(now);
            return done;
        });
    }

    Future<Void> remove(String topic) {
        return blocking(() -> {
            placements.remove(topic);
            local.remove(topic);
            return null;
        });
    }

    private <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
        return worker.executeBlocking(work);
    }

    private final class PlacementListener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryRemovedListener<String, String>, EntryMergedListener<String, String> {
        private final BiConsumer<String, Placement> changed;

        PlacementListener(BiConsumer<String, Placement> changed) { this.changed = changed; }

        private void update(EntryEvent<String, String> e) {
            Placement p = Placement.fromJson(e.getValue());
            if (p != null && accept(p)) changed.accept(e.getKey(), p);
        }

        @Override public void entryAdded(EntryEvent<String, String> e) { update(e); }
        @Override public void entryUpdated(EntryEvent<String, String> e) { update(e); }
        @Override public void entryMerged(EntryEvent<String, String> e) { update(e); }
        @Override public void entryRemoved(EntryEvent<String, String> e) {
            local.remove(e.getKey());
            changed.accept(e.getKey(), null);
        }
    }

    private final class NodeListener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryMergedListener<String, String> {
        @Override public void entryAdded(EntryEvent<String, String> e) { addresses.put(e.getKey(), e.getValue()); }
        @Override public void entryUpdated(EntryEvent<String, String> e) { addresses.put(e.getKey(), e.getValue()); }
        @Override public void entryMerged(EntryEvent<String, String> e) { addresses.put(e.getKey(), e.getValue()); }
    }
}
