package dev.nsq.nsqd;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a replicated topic lives (docs/replication.md): its leader, its replicas (leader first),
 * which of them hold everything the leader acknowledged ({@code inSync}), and the epoch, which
 * grows at each change of leader, and a version that grows at every change (so an event that
 * arrives late, after a fresher copy was read, is told from it: see {@link #newerThan}). Nodes are
 * named by their address, {@code <broadcast_address>:<tcp_port>}, which outlives a restart.
 * Immutable; kept as JSON in a Hazelcast map and changed only by compare-and-set, so every nsqd
 * agrees on it.
 */
record Placement(
        @JsonProperty("topic") String topic,
        @JsonProperty("factor") int factor,
        @JsonProperty("epoch") long epoch,
        @JsonProperty("leader") String leader,
        @JsonProperty("replicas") List<String> replicas,
        @JsonProperty("in_sync") List<String> inSync,
        @JsonProperty("version") long version) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A new placement: version 0. */
    Placement(String topic, int factor, long epoch, String leader, List<String> replicas, List<String> inSync) {
        this(topic, factor, epoch, leader, replicas, inSync, 0);
    }

    Placement {
        replicas = List.copyOf(replicas);
        inSync = List.copyOf(inSync);
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Placement fromJson(String json) {
        try {
            return json == null ? null : JSON.readValue(json, Placement.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean isReplica(String node) { return replicas.contains(node); }

    boolean isInSync(String node) { return inSync.contains(node); }

    /** Followers: the replicas other than the leader. */
    List<String> followers() {
        List<String> out = new ArrayList<>(replicas);
        out.remove(leader);
        return out;
    }

    /** A new leader from the in-sync set: the epoch grows, the old leader leaves the in-sync set. */
    Placement withLeader(String newLeader) {
        List<String> sync = new ArrayList<>(inSync);
        sync.remove(leader);
        if (!sync.contains(newLeader)) sync.add(0, newLeader);
        List<String> reps = new ArrayList<>(replicas);
        reps.remove(newLeader);
        reps.add(0, newLeader);
        return new Placement(topic, factor, epoch + 1, newLeader, reps, sync, version + 1);
    }

    Placement withInSync(List<String> sync) { return new Placement(topic, factor, epoch, leader, replicas, sync, version + 1); }

    Placement withoutInSync(String node) {
        List<String> sync = new ArrayList<>(inSync);
        sync.remove(node);
        return withInSync(sync);
    }

    Placement withInSyncAdded(String node) {
        if (inSync.contains(node)) return this;
        List<String> sync = new ArrayList<>(inSync);
        sync.add(node);
        return withInSync(sync);
    }

    /** {@code gone} replaced by {@code replacement} (out of sync until caught up), or just dropped when null. */
    Placement withReplicaReplaced(String gone, String replacement) {
        List<String> reps = new ArrayList<>(replicas);
        reps.remove(gone);
        if (replacement != null && !reps.contains(replacement)) reps.add(replacement);
        List<String> sync = new ArrayList<>(inSync);
        sync.remove(gone);
        return new Placement(topic, factor, epoch, leader, reps, sync, version + 1);
    }

    /**
     * True when this is a later state of the topic's placement than {@code other} (or other is
     * null). Hazelcast's entry events can reach an nsqd after it read a fresher copy itself
     * ({@link PlacementStore#fetch}, answering a leader's stream): applying the late event would
     * take the node back to an older role, e.g. drop a replica's just caught-up copy as "placed
     * elsewhere" and follow again empty.
     */
    boolean newerThan(Placement other) {
        return other == null || epoch > other.epoch || (epoch == other.epoch && version > other.version);
    }
}
