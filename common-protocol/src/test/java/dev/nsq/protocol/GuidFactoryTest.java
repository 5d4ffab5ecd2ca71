package dev.nsq.protocol;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class GuidFactoryTest {
    @Test
    void idsAreLaidOutAsNsqGuids() {
        GuidFactory f = new GuidFactory(617);
        long id = f.next();
        assertEquals(617, (id >>> 12) & 0x3ff, "node id in bits 12..21");
        long ts = (id >>> 22) + GuidFactory.EPOCH;
        long nowUnits = System.currentTimeMillis() * 1_000_000L >> 20;
        assertTrue(Math.abs(nowUnits - ts) < 1000, "time part is now, in 2^20 ns units");
        assertTrue(MessageId.toHex(id).matches("[0-9a-f]{16}"));
    }

    @Test
    void idsAreStrictlyIncreasingAndUniqueUnderLoad() {
        GuidFactory f = new GuidFactory(1);
        long prev = -1;
        for (int i = 0; i < 200_000; i++) { // far more than 4096 per time unit
            long id = f.next();
            assertTrue(id > prev, "ids must increase");
            prev = id;
        }
    }

    @Test
    void idsStayUniqueAcrossThreads() throws Exception {
        GuidFactory f = new GuidFactory(2);
        Set<Long> all = ConcurrentHashMap.newKeySet();
        ExecutorService ex = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) ex.submit(() -> { for (int i = 0; i < 50_000; i++) all.add(f.next()); });
        ex.shutdown();
        assertTrue(ex.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(200_000, all.size());
    }

    @Test
    void rejectsNodeIdsOutsideTenBits() {
        assertThrows(IllegalArgumentException.class, () -> new GuidFactory(1024));
        assertThrows(IllegalArgumentException.class, () -> new GuidFactory(-1));
    }

    @Test
    void hexRoundTrips() {
        Set<Long> seen = new HashSet<>();
        GuidFactory f = new GuidFactory(5);
        for (int i = 0; i < 1000; i++) {
            long id = f.next();
            assertEquals(id, MessageId.parse(MessageId.toHex(id)));
            seen.add(id);
        }
        assertEquals(MessageId.INVALID, MessageId.parse("0123456789ABCDEF"), "uppercase is not an ID we issue");
        assertEquals(MessageId.INVALID, MessageId.parse("0123"));
    }
}
