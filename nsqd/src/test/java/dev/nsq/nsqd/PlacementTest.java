package dev.nsq.nsqd;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The placement record's changes: what failover and re-placement do to leader, replicas, in-sync set and epoch. */
class PlacementTest {
    private final Placement p = new Placement("t", 2, 4, "a:1", List.of("a:1", "b:1"), List.of("a:1", "b:1"));

    @Test
    void aNewLeaderComesWithTheNextEpochAndTheOldOneLeavesTheInSyncSet() {
        Placement q = p.withLeader("b:1");
        assertEquals(5, q.epoch());
        assertEquals("b:1", q.leader());
        assertEquals(List.of("b:1", "a:1"), q.replicas());
        assertEquals(List.of("b:1"), q.inSync());
        assertEquals(List.of("a:1"), q.followers());
    }

    @Test
    void aReplacedReplicaIsOutOfSyncUntilItCatchesUp() {
        Placement q = p.withReplicaReplaced("b:1", "c:1");
        assertEquals(4, q.epoch(), "the leader did not change");
        assertEquals(List.of("a:1", "c:1"), q.replicas());
        assertEquals(List.of("a:1"), q.inSync());
        assertEquals(List.of("a:1", "c:1"), q.withInSyncAdded("c:1").inSync());
    }

    @Test
    void itTravelsAsJsonUnchanged() {
        String json = p.toJson();
        assertEquals(p, Placement.fromJson(json));
        assertEquals(json, Placement.fromJson(json).toJson(), "compare-and-set compares these strings");
    }
}
