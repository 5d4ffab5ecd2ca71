package dev.nsq.nsqd.diskqueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Records read but not acknowledged survive a reopen; files go only once everything in them is acknowledged. */
class DiskQueueReadWindowTest {
    @TempDir Path dir;

    private static byte[] rec(int i) { return String.format("record-%02d", i).getBytes(StandardCharsets.US_ASCII); }

    private DiskQueue open() throws Exception {
        // 14-byte records ([4][10]): 3 per 42-byte file
        return new DiskQueue("q", dir, 42, 1, 100, 1);
    }

    @Test
    void unacknowledgedRecordsAreReadAgainAfterReopenAndTheirFilesKept() throws Exception {
        DiskQueue q = open();
        List<byte[]> all = new ArrayList<>();
        for (int i = 0; i < 9; i++) all.add(rec(i));
        q.put(all);
        List<DiskQueue.Record> read = new ArrayList<>();
        for (int i = 0; i < 7; i++) read.add(q.readOne());
        assertEquals(2, q.depth());
        assertEquals(7, q.unacknowledged());

        q.ack(read.get(0).seq(), read.get(1).seq(), read.get(2).seq(), read.get(4).seq());
        // records 0-2 filled file 0: it goes; record 3 (file 1) is still out, so file 1 stays
        assertFalse(Files.exists(q.dataFile(0)));
        assertTrue(Files.exists(q.dataFile(1)));
        assertEquals(4, q.unacknowledged(), "3, (4 acked behind 3), 5, 6");
        q.close(); // as a crash would leave it after the last sync: nothing in flight was written back

        assertEquals("6\n1,0\n", Files.readString(dir.resolve("q.diskqueue.meta.dat")).substring(0, 6),
                "depth counts from the oldest unacknowledged record, whose position is the read position");
        DiskQueue again = open();
        List<String> rest = new ArrayList<>();
        DiskQueue.Record r;
        while ((r = again.readOne()) != null) rest.add(new String(r.data(), StandardCharsets.US_ASCII));
        assertEquals(List.of("record-03", "record-04", "record-05", "record-06", "record-07", "record-08"), rest,
                "everything from the oldest unacknowledged record on, at least once");
    }

    @Test
    void acknowledgedRecordsAreNotReadAgainAndEmptyForgetsTheWindow() throws Exception {
        DiskQueue q = open();
        q.put(List.of(rec(0), rec(1), rec(2), rec(3)));
        long first = q.readOne().seq();
        long second = q.readOne().seq();
        q.ack(second, first); // both written back elsewhere, in any order
        assertEquals(0, q.unacknowledged());
        q.close();
        DiskQueue again = open();
        assertEquals("record-02", new String(again.readOne().data(), StandardCharsets.US_ASCII));
        again.empty();
        assertEquals(0, again.unacknowledged());
        assertNull(again.readOne());
    }
}
