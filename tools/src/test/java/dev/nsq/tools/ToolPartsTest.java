package dev.nsq.tools;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolPartsTest {
    @Test
    void durationsPrintAsGoPrintsThem() {
        assertEquals("10s", ToolMain.goDuration(10_000_000_000L));
        assertEquals("10.001371869s", ToolMain.goDuration(10_001_371_869L));
        assertEquals("1m0.5s", ToolMain.goDuration(60_500_000_000L));
        assertEquals("850ms", ToolMain.goDuration(850_000_000L));
        assertEquals("2.77µs", ToolMain.goDuration(2_770L));
        assertEquals("0s", ToolMain.goDuration(0));
    }

    @Test
    void summaryLineMatchesNsqs() {
        assertEquals("duration: 10s - 68.665mb/s - 360000.000ops/s - 2.778us/op", Bench.summary(10_000_000_000L, 3_600_000, 200));
    }

    @Test
    void histogramPercentilesAreWithinOnePercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) h.record(v * 1_000); // 1 µs .. 100 ms
        assertEquals(100_000, h.count());
        assertTrue(Math.abs(h.percentile(0.5) - 50_000_000L) < 500_000, "p50 " + h.percentile(0.5));
        assertTrue(Math.abs(h.percentile(0.99) - 99_000_000L) < 990_000, "p99 " + h.percentile(0.99));
        LatencyHistogram small = new LatencyHistogram();
        small.record(42);
        assertEquals(42, small.percentile(0.999));
        for (long v : new long[]{0, 1, 255, 256, 257, 1L << 40, Long.MAX_VALUE / 2}) {
            long back = LatencyHistogram.value(LatencyHistogram.index(v));
            assertTrue(Math.abs(back - v) <= Math.max(1, v / 100), v + " -> " + back);
        }
    }

    @Test
    void stdinIsSplitOnTheDelimiterKeepingALastUnterminatedChunk() throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream("a\nbc\n\nd".getBytes(StandardCharsets.UTF_8));
        assertEquals("a", new String(ToNsq.readChunk(in, (byte) '\n'), StandardCharsets.UTF_8));
        assertEquals("bc", new String(ToNsq.readChunk(in, (byte) '\n'), StandardCharsets.UTF_8));
        assertEquals("", new String(ToNsq.readChunk(in, (byte) '\n'), StandardCharsets.UTF_8));
        assertEquals("d", new String(ToNsq.readChunk(in, (byte) '\n'), StandardCharsets.UTF_8));
        assertNull(ToNsq.readChunk(in, (byte) '\n'));
    }
}
