package dev.nsq.nsqd.diskqueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A journal's use of a disk queue: records put and handed out at once ({@link DiskQueue#putHeld}),
 * read back by sequence number in any order, acknowledged in any order; with an {@link AckLog} a
 * reopen reads back exactly the records not acknowledged, and files go once all of theirs are.
 */
class DiskQueueHeldRecordsTest {
    @TempDir Path dir;

    private static byte[] rec(int i) { return String.format("record-%02d", i).getBytes(StandardCharsets.US_ASCII); }

    private DiskQueue open(boolean trackAcks) throws Exception {
        // 14-byte records ([4][10]): 3 per 42-byte file
        return new DiskQueue("j", dir, 42, 1, 100, 1, trackAcks);
    }

    private static List<String> readAll(DiskQueue q) throws Exception {
        List<String> out = new ArrayList<>();
        DiskQueue.Record r;
        while ((r = q.readOne()) != null) out.add(new String(r.data(), StandardCharsets.US_ASCII));
        return out;
    }

    @Test
    void heldRecordsAreReadBackBySequenceAndOnlyTheUnacknowledgedOnesComeBackAfterAReopen() throws Exception {
        DiskQueue q = open(true);
        long[] seqs = new long[9];
        for (int i = 0; i < 9; i++) seqs[i] = q.putHeld(rec(i));
        assertEquals(0, q.depth(), "handed out as written");
        assertEquals(9, q.unacknowledged());
        assertArrayEquals(rec(7), q.readAt(seqs[7]));
        assertArrayEquals(rec(1), q.readAt(seqs[1]), "any order, across files");
        q.ack(seqs[7], seqs[1], seqs[4]); // out of order: the read position stays at record 0
        q.ack(seqs[0]);
        assertThrows(java.io.IOException.class, () -> q.readAt(seqs[0]), "acknowledged: no longer held");
        q.close();

        DiskQueue again = open(true);
        assertEquals(List.of("record-02", "record-03", "record-05", "record-06", "record-08"), readAll(again),
                "the acknowledged ones are skipped, the rest read again");
        long next = again.putHeld(rec(9)); // the reader stands at the end: appending goes on
        assertArrayEquals(rec(9), again.readAt(next));
        again.close();
    }

    @Test
    void withoutAnAckLogEverythingFromTheReadPositionComesBack() throws Exception {
        DiskQueue q = open(false);
        long[] seqs = new long[6];
        for (int i = 0; i < 6; i++) seqs[i] = q.putHeld(rec(i));
        q.ack(seqs[3], seqs[4]);
        q.close();
        assertEquals(List.of("record-00", "record-01", "record-02", "record-03", "record-04", "record-05"), readAll(open(false)),
                "as go-diskqueue and our read window do: at least once");
    }

    @Test
    void filesGoOnceEverythingInThemIsAcknowledgedAndEmptyForgetsTheLog() throws Exception {
        DiskQueue q = open(true);
        long[] seqs = new long[6];
        for (int i = 0; i < 6; i++) seqs[i] = q.putHeld(rec(i));
        assertTrue(Files.exists(q.dataFile(1)));
        q.ack(seqs[5], seqs[4], seqs[3]); // file 1, before file 0
        assertTrue(Files.exists(q.dataFile(1)), "kept: file 0 before it still holds records");
        q.ack(seqs[0], seqs[1], seqs[2]);
        assertFalse(Files.exists(q.dataFile(0)));
        assertEquals(0, q.unacknowledged());
        q.ack(q.putHeld(rec(6))); // file 1 was the one written to; this starts file 2
        assertFalse(Files.exists(q.dataFile(1)));
        q.putHeld(rec(7));
        q.empty();
        assertFalse(Files.exists(dir.resolve("j.diskqueue.acked.dat")));
        q.close();
        assertEquals(List.of(), readAll(open(true)));
    }
}
