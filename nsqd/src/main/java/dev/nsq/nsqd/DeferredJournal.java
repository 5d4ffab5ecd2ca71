package dev.nsq.nsqd;

import dev.nsq.nsqd.diskqueue.DiskQueue;
import dev.nsq.protocol.MessageLayout;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The deferred messages of one channel on disk, with their due time (ours; NSQ keeps them in memory
 * only). A disk queue named {@code <topic>:<channel>#deferred} (no valid channel name contains
 * {@code #} before {@code ephemeral}, so it never meets a real queue) in go-diskqueue's file layout,
 * whose records are {@code [int64 BE due time, ns since the epoch][26-byte message header][body]}
 * (docs/deferred.md). Every record is handed out as it is written ({@link DiskQueue#putHeld}): it
 * waits in the queue's read window, unacknowledged, and {@link DueIndex} (due, sequence number) says
 * when it is due. Released records are read back by position and acknowledged once the message is
 * safely in the channel's queue; the {@link dev.nsq.nsqd.diskqueue.AckLog} remembers those
 * acknowledged out of order, so a restart reads back exactly the records still deferred.
 *
 * <p>Due times are wall-clock on disk (they must survive a restart) and {@link System#nanoTime()}
 * in the index (a clock step must not release anything early).
 *
 * <p>Thread-safe: the disk work runs on the queue's context; the index is guarded by itself.
 */
final class DeferredJournal {
    private static final Logger log = LoggerFactory.getLogger(DeferredJournal.class);
    static final String SUFFIX = "#deferred";
    static final int DUE_BYTES = 8;

    private final DiskBackend disk;
    private final DueIndex index = new DueIndex();
    /** Deferred messages here: written, being written, or read back and not yet handed over. */
    private final AtomicLong count = new AtomicLong();
    private final AtomicBoolean releasing = new AtomicBoolean();
    /** Messages submitted and not yet written. */
    private final AtomicLong unwritten = new AtomicLong();

    DeferredJournal(DiskBackend disk) { this.disk = disk; }

    DiskBackend backend() { return disk; }

    long count() { return Math.max(0, count.get()); }

    /** Messages submitted by {@link #append} and not yet written. */
    long unwritten() { return unwritten.get(); }

    static long epochNowNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * Indexes the records left from before (a restart); call first, before any append. Completes with
     * the bytes of their bodies.
     */
    Future<Long> load() {
        return disk.onQueue("read deferred messages", q -> {
            long nowNano = System.nanoTime(), nowEpoch = epochNowNs(), bytes = 0;
            DiskQueue.Record r;
            while ((r = q.readOne()) != null) {
                long due = ByteBuffer.wrap(r.data()).getLong();
                synchronized (index) {
                    index.push(nowNano + (due - nowEpoch), r.seq());
                }
                count.incrementAndGet();
                bytes += r.data().length - DUE_BYTES - MessageLayout.HEADER_LENGTH;
            }
            return bytes;
        });
    }

    /**
     * Writes messages deferred until their {@link Message#priorityNs} (nanoTime). A message that was
     * read from a record of {@code source} has that record acknowledged once it is written here; if
     * the write fails the future fails and every message keeps its old record.
     */
    Future<Void> append(List<Message> messages, DiskBackend source) {
        int n = messages.size();
        long nowNano = System.nanoTime(), nowEpoch = epochNowNs();
        List<byte[]> records = new ArrayList<>(n);
        long[] dues = new long[n], sourceSeqs = new long[n];
        for (int i = 0; i < n; i++) {
            Message m = messages.get(i);
            dues[i] = m.priorityNs;
            records.add(DiskBackend.encode(m, DUE_BYTES, nowEpoch + (m.priorityNs - nowNano)));
            sourceSeqs[i] = DiskBackend.takeSeq(m);
        }
        count.addAndGet(n);
        unwritten.addAndGet(n);
        return disk.onQueue("write deferred messages", q -> {
            long[] seqs = new long[n];
            for (int i = 0; i < n; i++) seqs[i] = q.putHeld(records.get(i));
            return seqs;
        }).transform((seqs, e) -> {
            unwritten.addAndGet(-n);
            if (e != null) {
                count.addAndGet(-n);
                for (int i = 0; i < n; i++) messages.get(i).diskSeq = sourceSeqs[i];
                return Future.failedFuture(e);
            }
            synchronized (index) {
                for (int i = 0; i < n; i++) index.push(dues[i], seqs[i]);
            }
            if (source != null) for (long seq : sourceSeqs) source.ack(seq);
            return Future.succeededFuture();
        });
    }

    /** True when a message here is due at {@code nowNano}. */
    boolean hasDue(long nowNano) {
        synchronized (index) {
            return index.size() > 0 && index.peekDue() - nowNano <= 0;
        }
    }

    /**
     * Reads back up to {@code max} messages due at {@code nowNano}, in due order, each carrying its
     * record here as {@link Message#diskSeq} (acknowledge it once the message is safe elsewhere) and
     * its due time as {@link Message#priorityNs}. Null while another release runs. An unreadable
     * record is logged and dropped.
     */
    Future<List<Message>> releaseDue(long nowNano, int max) { return release(nowNano, max, false); }

    /** As {@link #releaseDue}, due or not (a topic hands them all to its channels, with what is left of each defer). */
    Future<List<Message>> releaseAny(int max) { return release(0, max, true); }

    private Future<List<Message>> release(long nowNano, int max, boolean any) {
        if (!releasing.compareAndSet(false, true)) return null;
        long[] seqs = new long[max];
        int n = 0;
        synchronized (index) {
            while (n < max && index.size() > 0 && (any || index.peekDue() - nowNano <= 0)) seqs[n++] = index.pop();
        }
        if (n == 0) {
            releasing.set(false);
            return Future.succeededFuture(List.of());
        }
        int count = n;
        return disk.onQueue("read deferred messages", q -> {
            List<Message> out = new ArrayList<>(count);
            long taskNano = System.nanoTime(), taskEpoch = epochNowNs();
            for (int i = 0; i < count; i++) {
                try {
                    byte[] r = q.readAt(seqs[i]);
                    Message m = disk.decode(r, DUE_BYTES);
                    m.diskSeq = seqs[i];
                    m.priorityNs = taskNano + (ByteBuffer.wrap(r).getLong() - taskEpoch);
                    out.add(m);
                } catch (IOException e) {
                    log.error("DISKQUEUE({}): failed to read deferred message {} - {}; dropped", q.name(), seqs[i], e.toString());
                    q.ack(seqs[i]);
                }
            }
            return out;
        }).andThen((msgs, e) -> {
            this.count.addAndGet(-count);
            releasing.set(false);
        });
    }

    /** The record of a released message is no longer needed. */
    void ack(long seq) { disk.ack(seq); }

    /** Drops every deferred message (channel emptied). */
    Future<Void> empty() {
        synchronized (index) {
            index.clear();
        }
        count.set(0);
        return disk.empty();
    }

    Future<Void> delete() { return disk.delete(); }

    Future<Void> close() { return disk.close(); }
}
