package dev.nsq.nsqd;

import dev.nsq.nsqd.diskqueue.DiskQueue;
import dev.nsq.nsqd.diskqueue.DiskContext;
import dev.nsq.protocol.MessageId;
import dev.nsq.protocol.MessageLayout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The disk queue of one topic or channel, driven asynchronously: every operation is a task on the
 * queue's own ordered worker context on nsqd's disk pool ({@link DiskContext}), so no event loop
 * ever waits on the disk; the futures complete on the disk thread.
 * Writes complete their future once the bytes are in the file (and fsynced when --sync-every says
 * so); the publisher is acknowledged only then. A message read from here carries its record's
 * sequence number ({@link Message#diskSeq}) until it is {@linkplain #ack acknowledged}: finished, or
 * safely written elsewhere. Until then a crash re-reads it (see DiskQueue's read window).
 *
 * <p>Thread-safe: callers on any thread; the {@link DiskQueue} is touched only by the queue's context.
 */
final class DiskBackend {
    private static final Logger log = LoggerFactory.getLogger(DiskBackend.class);

    private final String name;
    private final DiskContext context;
    private final Health health;
    private final LongSupplier idFallback;
    private DiskQueue queue;
    private IOException openError;
    /** Acknowledged record sequence numbers waiting for the queue's context (see {@link #ack(long)}). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Long> pendingAcks = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean ackDrainScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    /** Messages on disk plus those submitted and not yet written, for depth in /stats. */
    private final AtomicLong depth = new AtomicLong();
    /** Bytes of the message bodies on disk when the queue was opened (set by the open, before {@link #barrier()}). */
    private volatile long bodyBytesAtOpen;

    DiskBackend(String name, Path dir, NsqdOptions o, DiskContext context, Health health, LongSupplier idFallback) {
        this(name, dir, o, context, health, idFallback, 0, false);
    }

    /**
     * A queue whose records carry {@code recordPrefix} bytes before the message (a journal's due
     * time), and, with {@code trackAcks}, an {@link dev.nsq.nsqd.diskqueue.AckLog}.
     */
    DiskBackend(String name, Path dir, NsqdOptions o, DiskContext context, Health health, LongSupplier idFallback,
                int recordPrefix, boolean trackAcks) {
        this.name = name;
        this.context = context;
        this.health = health;
        this.idFallback = idFallback;
        int minRecord = recordPrefix + MessageLayout.HEADER_LENGTH;
        int maxRecord = (int) Math.min(Integer.MAX_VALUE, o.maxMsgSize + minRecord);
        context.execute(() -> {
            try {
                queue = new DiskQueue(name, dir, o.maxBytesPerFile, minRecord, maxRecord, o.syncEvery, trackAcks);
                depth.addAndGet(queue.depth());
                bodyBytesAtOpen = queue.payloadBytesAtOpen() - queue.depth() * MessageLayout.HEADER_LENGTH;
            } catch (IOException e) {
                openError = e;
                log.error("DISKQUEUE({}): failed to open - {}", name, e.toString());
            }
        });
    }

    long depth() { return Math.max(0, depth.get()); }

    /** Bytes of the message bodies that were on disk when the queue opened; read it after {@link #barrier()}. */
    long bodyBytesAtOpen() { return Math.max(0, bodyBytesAtOpen); }

    /** Work on the queue itself, run by {@link #onQueue} on the queue's context. */
    interface QueueTask<T> {
        T run(DiskQueue queue) throws IOException;
    }

    /**
     * Runs {@code task} with the open queue on this backend's context, after everything submitted
     * before it (a journal's own operations). An I/O failure marks nsqd unhealthy and fails the future.
     */
    <T> Future<T> onQueue(String what, QueueTask<T> task) {
        return context.submit(() -> {
            try {
                if (queue == null) throw openError != null ? openError : new IOException("disk queue not open");
                return task.run(queue);
            } catch (IOException e) {
                health.failed(e);
                log.error("DISKQUEUE({}): failed to {} - {}", name, what, e.toString());
                throw e;
            }
        });
    }

    /** A future that completes once everything submitted before it has run (open included). */
    Future<Void> barrier() {
        return context.submit(() -> null);
    }

    Future<Void> write(List<Message> messages) {
        List<byte[]> records = new ArrayList<>(messages.size());
        for (Message m : messages) records.add(encode(m));
        depth.addAndGet(records.size());
        return context.submit(() -> {
            try {
                if (queue == null) throw openError != null ? openError : new IOException("disk queue not open");
                queue.put(records);
                health.ok();
                return null;
            } catch (IOException e) {
                depth.addAndGet(-records.size());
                health.failed(e);
                log.error("DISKQUEUE({}): failed to write messages - {}", name, e.toString());
                throw e;
            }
        });
    }

    /**
     * Writes messages to this queue; those that came from a disk record (of this queue or of the
     * topic's) have that record acknowledged once they are written, so a crash in between delivers
     * them twice rather than never. Every path that puts messages (back) on disk goes through here.
     */
    Future<Void> writeBack(List<Message> messages, DiskBackend source) {
        long[] seqs = new long[messages.size()];
        boolean any = false;
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = takeSeq(messages.get(i));
            any |= seqs[i] >= 0;
        }
        Future<Void> w = write(messages);
        if (!any || source == null) return w;
        return w.onSuccess(v -> { for (long seq : seqs) source.ack(seq); });
    }

    /** Queued messages written per write at shutdown, so the heap never holds a whole queue at once. */
    private static final int FLUSH_BATCH = 4096;

    /**
     * Shutdown of a topic or channel: its memory queue goes to disk a batch at a time (drained under
     * {@code lock}; nothing else adds to it once its owner is flushed), then {@code held} (in-flight
     * and deferred messages), each message's old record acknowledged once rewritten; whatever a
     * failed write left in the queue is released; then the queue is closed.
     */
    Future<Void> flushAndClose(OffHeapQueue queue, Object lock, List<Message> held) {
        return writeBackQueue(queue, lock)
                .compose(v -> held.isEmpty() ? Future.<Void>succeededFuture() : writeBack(held, this))
                .transform(written -> {
                    synchronized (lock) {
                        queue.clear();
                    }
                    return close();
                });
    }

    private Future<Void> writeBackQueue(OffHeapQueue queue, Object lock) {
        List<Message> batch = new ArrayList<>();
        synchronized (lock) {
            queue.drainTo(batch::add, FLUSH_BATCH);
        }
        if (batch.isEmpty()) return Future.succeededFuture();
        return writeBack(batch, this).compose(v -> writeBackQueue(queue, lock));
    }

    /** Reads and consumes up to {@code max} messages (fewer when the queue runs dry). */
    Future<List<Message>> read(int max) {
        return context.submit(() -> {
            List<Message> out = new ArrayList<>();
            if (queue == null) return out;
            try {
                DiskQueue.Record r;
                while (out.size() < max && (r = queue.readOne()) != null) {
                    Message m = decode(r.data());
                    m.diskSeq = r.seq();
                    out.add(m);
                }
            } catch (IOException e) {
                log.error("DISKQUEUE({}): failed to read - {}", name, e.toString());
            }
            depth.set(queue.depth());
            return out;
        });
    }

    /** Up to {@code max} of the next messages, without reading them off the queue (/topic/peek, /channel/peek). */
    Future<List<Message>> peek(int max) {
        return context.submit(() -> {
            List<Message> out = new ArrayList<>();
            if (queue == null) return out;
            try {
                for (byte[] r : queue.peek(max)) out.add(decode(r));
            } catch (IOException e) {
                log.error("DISKQUEUE({}): failed to peek - {}", name, e.toString());
            }
            return out;
        });
    }

    /** {@code held} (peeked from memory) followed by what comes next on disk, up to {@code max} in all. */
    static Future<List<Message>> peekAfter(List<Message> held, int max, DiskBackend backend) {
        if (held.size() >= max || backend == null) return Future.succeededFuture(held);
        return backend.peek(max - held.size()).map(onDisk -> {
            held.addAll(onDisk);
            return held;
        });
    }

    /** The message read from here is finished or safely elsewhere; a no-op for one that was not. */
    void ack(Message m) {
        long seq = m.diskSeq;
        if (seq < 0) return;
        m.diskSeq = -1;
        ack(seq);
    }

    /**
     * Acknowledges a record by sequence number (taken off a message with {@link #takeSeq}). Acks
     * from many FINs are gathered into one task and one metadata write on the queue's context.
     */
    void ack(long seq) {
        if (seq < 0) return;
        pendingAcks.add(seq);
        if (ackDrainScheduled.compareAndSet(false, true)) context.execute(this::drainAcks);
    }

    private void drainAcks() {
        ackDrainScheduled.set(false); // acks added from now on schedule another drain
        long[] seqs = new long[Math.max(16, pendingAcks.size())];
        int n = 0;
        Long seq;
        while ((seq = pendingAcks.poll()) != null) {
            if (n == seqs.length) seqs = java.util.Arrays.copyOf(seqs, n * 2);
            seqs[n++] = seq;
        }
        if (n == 0 || queue == null) return;
        try {
            queue.ack(java.util.Arrays.copyOf(seqs, n));
        } catch (IOException e) {
            health.failed(e);
            log.error("DISKQUEUE({}): failed to sync after acknowledgements - {}", name, e.toString());
        }
    }

    /** The message's record sequence number, leaving the message without one (-1 if it had none). */
    static long takeSeq(Message m) {
        long seq = m.diskSeq;
        m.diskSeq = -1;
        return seq;
    }

    /** Drops everything on disk. */
    Future<Void> empty() {
        return context.submit(() -> {
            try {
                if (queue != null) queue.empty();
                depth.set(0);
            } catch (IOException e) {
                log.error("DISKQUEUE({}): failed to empty - {}", name, e.toString());
            }
            return null;
        });
    }

    /** Deletes the queue's files (topic or channel deleted). */
    Future<Void> delete() {
        return context.submit(() -> {
            try {
                if (queue != null) queue.delete();
                depth.set(0);
            } catch (IOException e) {
                log.error("DISKQUEUE({}): failed to delete files - {}", name, e.toString());
            }
            return null;
        });
    }

    /** fsync if anything changed since the last one (the --sync-timeout tick). */
    void syncIfDirty() {
        context.execute(() -> {
            try {
                if (queue != null && queue.isDirty()) queue.sync();
            } catch (IOException e) {
                health.failed(e);
                log.error("DISKQUEUE({}): failed to sync - {}", name, e.toString());
            }
        });
    }

    /**
     * Closes the queue (after the acknowledgements submitted before it). Records read and not
     * acknowledged stay behind the persisted read position: they are read again on restart.
     */
    Future<Void> close() {
        return context.submit(() -> {
            try {
                if (queue != null) queue.close();
            } catch (IOException e) {
                log.error("DISKQUEUE({}): failed to close - {}", name, e.toString());
            }
            return null;
        });
    }

    private static byte[] encode(Message m) { return encode(m, 0, 0); }

    /** A record: an 8-byte {@code prefix} value (when {@code prefixBytes} is 8), then the 26-byte header and body. */
    static byte[] encode(Message m, int prefixBytes, long prefix) {
        ByteBuf b = Unpooled.buffer(prefixBytes + MessageLayout.HEADER_LENGTH + m.body.length);
        if (prefixBytes > 0) b.writeLong(prefix);
        MessageLayout.write(b, m.timestampNs, m.attempts, m.id, m.body);
        return b.array();
    }

    private Message decode(byte[] r) { return decode(r, 0); }

    /**
     * The message stored at {@code off} of a record; an ID that is not ours (not lowercase hex)
     * gets a fresh one so FIN works.
     */
    Message decode(byte[] r, int off) {
        ByteBuffer b = ByteBuffer.wrap(r, off, r.length - off);
        long ts = b.getLong();
        int attempts = b.getShort() & 0xffff;
        long id = MessageId.parse(r, off + 10, MessageId.LENGTH);
        if (id == MessageId.INVALID) id = idFallback.getAsLong();
        byte[] body = new byte[r.length - off - MessageLayout.HEADER_LENGTH];
        System.arraycopy(r, off + MessageLayout.HEADER_LENGTH, body, 0, body.length);
        Message m = new Message(id, ts, body);
        m.attempts = attempts;
        return m;
    }
}
