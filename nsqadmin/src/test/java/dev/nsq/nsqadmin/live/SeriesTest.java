package dev.nsq.nsqadmin.live;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SeriesTest {
    @Test
    void rateIsMessagesPerSecondBetweenTheLastTwoSamples() {
        Series s = new Series();
        s.add(new Series.Point(0, 100, 5, 0), 60_000);
        assertEquals(0, s.rate(), "one sample has no rate");
        s.add(new Series.Point(2_000, 300, 7, 1), 60_000);
        assertEquals(100.0, s.rate());
        assertArrayEquals(new double[]{100.0}, s.rates(60));
        assertArrayEquals(new double[]{5, 7}, s.depths(60));
    }

    @Test
    void aCounterResetIsNotANegativeRate() {
        Series s = new Series();
        s.add(new Series.Point(0, 500, 0, 0), 60_000);
        s.add(new Series.Point(1_000, 10, 0, 0), 60_000);
        assertEquals(0, s.rate());
    }

    @Test
    void oldPointsFallOutOfTheWindowAndLongHistoriesAreAveraged() {
        Series s = new Series();
        for (int i = 0; i <= 100; i++) s.add(new Series.Point(i * 1_000L, i * 10L, i, 0), 50_000);
        assertEquals(51, s.depths(1000).length, "points older than 50 s are gone");
        double[] r = s.rates(10);
        assertEquals(10, r.length);
        for (double x : r) assertEquals(10.0, x);
        assertEquals(100_000, s.lastSeenMs());
    }
}
