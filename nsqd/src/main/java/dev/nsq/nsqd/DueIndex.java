package dev.nsq.nsqd;

import java.util.Arrays;

/**
 * A binary min-heap of (due time, record sequence number) pairs in two primitive arrays: the index
 * of a {@link DeferredJournal}, 16 bytes per deferred message on disk and no object per entry, so a
 * million of them cost 16 MiB of heap instead of a million {@link Message}s.
 *
 * <p>Not thread-safe: its journal guards it.
 */
final class DueIndex {
    private long[] due = new long[64];
    private long[] seq = new long[64];
    private int size;

    int size() { return size; }

    void push(long dueNs, long recordSeq) {
        if (size == due.length) {
            due = Arrays.copyOf(due, size * 2);
            seq = Arrays.copyOf(seq, size * 2);
        }
        int i = size++;
        while (i > 0) { // sift up
            int p = (i - 1) >>> 1;
            if (due[p] - dueNs <= 0) break;
            due[i] = due[p];
            seq[i] = seq[p];
            i = p;
        }
        due[i] = dueNs;
        seq[i] = recordSeq;
    }

    /** The earliest due time; only when {@link #size()} is not 0. */
    long peekDue() { return due[0]; }

    /** Removes the earliest entry and returns its sequence number; only when {@link #size()} is not 0. */
    long pop() {
        long out = seq[0];
        size--;
        long d = due[size], s = seq[size];
        int i = 0;
        while (true) { // sift the last entry down from the root
            int l = 2 * i + 1;
            if (l >= size) break;
            int c = (l + 1 < size && due[l + 1] - due[l] < 0) ? l + 1 : l;
            if (d - due[c] <= 0) break;
            due[i] = due[c];
            seq[i] = seq[c];
            i = c;
        }
        if (size > 0) {
            due[i] = d;
            seq[i] = s;
        }
        if (due.length > 64 && size < due.length / 4) {
            due = Arrays.copyOf(due, due.length / 2);
            seq = Arrays.copyOf(seq, seq.length / 2);
        }
        return out;
    }

    void clear() {
        size = 0;
        due = new long[64];
        seq = new long[64];
    }
}
