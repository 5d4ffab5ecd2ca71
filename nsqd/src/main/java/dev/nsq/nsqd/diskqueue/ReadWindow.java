package dev.nsq.nsqd.diskqueue;

/**
 * The records a {@link DiskQueue} has handed out but not yet seen acknowledged, in read order:
 * each one's start position and whether it has been acknowledged. The oldest unacknowledged
 * record's start is the read position the queue persists, so a crash re-reads everything not yet
 * acknowledged (at least once) instead of losing what was in flight. Acknowledgements may come in
 * any order; the window shrinks from its head only.
 *
 * <p>A ring of primitive arrays, grown by doubling: no object per record. Not thread-safe (the
 * queue's context owns it).
 */
final class ReadWindow {
    private long[] fileNums = new long[64];
    private long[] positions = new long[64];
    private boolean[] acked = new boolean[64];
    private int head;
    private int size;
    /** Sequence number of the record at {@link #head}. */
    private long headSeq;

    /** Records a record read from {@code fileNum} at {@code pos}; returns its sequence number. */
    long add(long fileNum, long pos) {
        if (size == fileNums.length) grow();
        int i = (head + size) & (fileNums.length - 1);
        fileNums[i] = fileNum;
        positions[i] = pos;
        acked[i] = false;
        size++;
        return headSeq + size - 1;
    }

    /** Marks {@code seq} acknowledged; true if the head moved (the persisted position changes). */
    boolean ack(long seq) {
        long offset = seq - headSeq;
        if (offset < 0 || offset >= size) return false; // unknown, or already behind the head
        acked[(int) ((head + offset) & (fileNums.length - 1))] = true;
        boolean moved = false;
        while (size > 0 && acked[head]) {
            head = (head + 1) & (fileNums.length - 1);
            size--;
            headSeq++;
            moved = true;
        }
        return moved;
    }

    boolean isEmpty() { return size == 0; }

    /** True while {@code seq} is in the window (handed out, and the head has not passed it). */
    boolean contains(long seq) {
        long offset = seq - headSeq;
        return offset >= 0 && offset < size;
    }

    /** The file a record in the window was read from (see {@link #contains}). */
    long fileNumOf(long seq) { return fileNums[slot(seq)]; }

    /** The record's start in its file (see {@link #contains}). */
    long posOf(long seq) { return positions[slot(seq)]; }

    private int slot(long seq) { return (int) ((head + (seq - headSeq)) & (fileNums.length - 1)); }

    /** What {@link #forEachAcked} hands out: an acknowledged record's file and start. */
    interface PositionSink {
        void accept(long fileNum, long pos) throws java.io.IOException;
    }

    /** Every acknowledged record still in the window (behind an unacknowledged one), oldest first. */
    void forEachAcked(PositionSink sink) throws java.io.IOException {
        for (int k = 0; k < size; k++) {
            int i = (head + k) & (fileNums.length - 1);
            if (acked[i]) sink.accept(fileNums[i], positions[i]);
        }
    }

    /** Records in the window, acknowledged or not (they are all re-read after a crash). */
    int size() { return size; }

    long headFileNum() { return fileNums[head]; }

    long headPos() { return positions[head]; }

    /** Forgets every record (queue emptied, or everything handed out was written back). */
    void clear() {
        headSeq += size;
        head = 0;
        size = 0;
    }

    private void grow() {
        int n = fileNums.length;
        long[] f = new long[n * 2];
        long[] p = new long[n * 2];
        boolean[] a = new boolean[n * 2];
        for (int k = 0; k < size; k++) {
            int i = (head + k) & (n - 1);
            f[k] = fileNums[i];
            p[k] = positions[i];
            a[k] = acked[i];
        }
        fileNums = f;
        positions = p;
        acked = a;
        head = 0;
    }
}
