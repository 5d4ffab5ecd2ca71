package dev.nsq.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RdyPlanTest {
    private static long[] plan(int max, int n, long cap) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = RdyPlan.share(max, n, i, cap);
        return out;
    }

    @Test
    void maxInFlightIsSplitEvenlyWithTheRemainderOnTheFirstConnections() {
        assertEquals("[3, 3, 2, 2, 2]", java.util.Arrays.toString(plan(12, 5, 2500)));
        assertEquals("[10]", java.util.Arrays.toString(plan(10, 1, 2500)));
        assertEquals("[1, 1, 0, 0, 0]", java.util.Arrays.toString(plan(2, 5, 2500)));
    }

    @Test
    void aShareNeverExceedsTheNsqdMaxRdyCount() {
        assertEquals("[2500, 2500]", java.util.Arrays.toString(plan(10_000, 2, 2500)));
    }

    @Test
    void backoffDoublesPerLevelUpToTheMaximum() {
        assertEquals(0, RdyPlan.backoffMs(0, 1000, 120_000));
        assertEquals(1000, RdyPlan.backoffMs(1, 1000, 120_000));
        assertEquals(8000, RdyPlan.backoffMs(4, 1000, 120_000));
        assertEquals(120_000, RdyPlan.backoffMs(10, 1000, 120_000));
        assertEquals(120_000, RdyPlan.backoffMs(99, 1000, 120_000));
    }

    @Test
    void requeueDelayGrowsWithAttemptsUpToTheMaximum() {
        assertEquals(90_000, RdyPlan.requeueDelayMs(1, 90_000, 900_000));
        assertEquals(270_000, RdyPlan.requeueDelayMs(3, 90_000, 900_000));
        assertEquals(900_000, RdyPlan.requeueDelayMs(50, 90_000, 900_000));
    }
}
