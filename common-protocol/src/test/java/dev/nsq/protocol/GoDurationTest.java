package dev.nsq.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class GoDurationTest {
    @Test
    void parsesGoDurations() {
        assertEquals(60_000, GoDuration.parseMillis("1m0s"));
        assertEquals(250, GoDuration.parseMillis("250ms"));
        assertEquals(5_400_000, GoDuration.parseMillis("1h30m"));
        assertEquals(1_500, GoDuration.parseMillis("1.5s"));
        assertEquals(0, GoDuration.parseMillis("0"));
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parseMillis("10"));
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parseMillis("1x"));
    }

    @Test
    void formatsAsGoPrints() {
        assertEquals("1m0s", GoDuration.format(60_000));
        assertEquals("250ms", GoDuration.format(250));
        assertEquals("1h0m0s", GoDuration.format(3_600_000));
        assertEquals("2s", GoDuration.format(2_000));
        assertEquals("15m0s", GoDuration.format(900_000));
        assertEquals("0s", GoDuration.format(0));
    }
}
