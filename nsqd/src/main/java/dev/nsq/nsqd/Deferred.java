package dev.nsq.nsqd;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * A channel's deferred messages (DPUB, /pub?defer, REQ with a delay) until they are due. Without a
 * journal (the default, and ephemeral channels) all of them in an indexed heap, as NSQ. With
 * --persist-deferred: up to {@link #MEMORY_MESSAGES} (and {@link #MEMORY_BODY_BYTES}) in the heap,
 * the rest in the channel's {@link DeferredJournal} on disk with their due time, so a million of
 * them fit in a small heap; in durable mode (--mem-queue-size=0) every one goes to the journal
 * before it counts as accepted, so kill -9 keeps them; at shutdown those in memory are written to
 * the journal too, so every deferred message keeps its due time across a restart (NSQ delivers
 * them at once).
 *
 * <p>Guarded by the channel's lock, which is also {@link #lock}; the journal's writes complete on its
 * disk thread and take that lock only to fall back to memory.
 */
final class Deferred {
    private static final Future<Void> DONE = Future.succeededFuture();
    /** Deferred messages kept as objects per channel, as many as a memory queue keeps on the heap. */
    static final int MEMORY_MESSAGES = 10_000;
    static final long MEMORY_BODY_BYTES = 4L << 20;
    /**
     * Outside durable mode a publisher does not wait for a deferred message's journal write (as for
     * any message held in memory) while fewer than this many writes are pending; beyond, it waits,
     * so a fast producer cannot pile up writes in the heap.
     */
    static final long MAX_UNWRITTEN = 4096;

    private final Object lock;
    private final MessagePQueue memory = new MessagePQueue();
    private long memoryBodyBytes;
    /** Null for ephemeral channels (and channels without storage). */
    private final DeferredJournal journal;
    /** Every deferred message is written before it counts as held (--mem-queue-size=0). */
    private final boolean durable;
    /** --persist-deferred: new deferred messages may go to the journal (else it is only drained). */
    private final boolean persist;

    Deferred(Object lock, DeferredJournal journal, boolean persist, boolean durable) {
        this.lock = lock;
        this.journal = journal;
        this.persist = persist && journal != null;
        this.durable = durable;
    }

    DeferredJournal journal() { return journal; }

    /** True when deferred messages are kept in the journal (--persist-deferred); false: memory only, as NSQ. */
    boolean persists() { return persist; }

    /**
     * Defers {@code m} until {@code dueNs} (nanoTime). The future completes once it is held: at once
     * in memory, or once written to the journal (where its old record of {@code source}, if it was
     * read from one, is acknowledged) in durable mode or when the journal lags behind, else at once.
     * A failed write fails the future and keeps the message in memory.
     */
    Future<Void> add(Message m, long dueNs, DiskBackend source) {
        m.priorityNs = dueNs;
        if (!persist || (!durable && memory.size() < MEMORY_MESSAGES && memoryBodyBytes + m.body.length <= MEMORY_BODY_BYTES)) {
            push(m);
            return DONE;
        }
        Future<Void> written = journal.append(List.of(m), source).andThen((v, e) -> {
            if (e == null) return;
            synchronized (lock) {
                push(m); // not lost: deferred in memory, as NSQ would
            }
        });
        return durable || journal.unwritten() > MAX_UNWRITTEN ? written : DONE;
    }

    private void push(Message m) {
        memory.push(m);
        memoryBodyBytes += m.body.length;
    }

    /** The earliest message in memory if due at {@code nowNs}, removed; else null. */
    Message popDue(long nowNs) {
        Message m = memory.popIfDue(nowNs);
        if (m != null) memoryBodyBytes -= m.body.length;
        return m;
    }

    long size() { return memory.size() + (journal == null ? 0 : journal.count()); }

    /** Those in memory, left where they are (replication's catch-up); their due time is {@link Message#priorityNs}. */
    void forEachInMemory(java.util.function.Consumer<Message> action) { memory.forEach(action); }

    /** Drops those in memory (the journal is emptied or deleted with the channel's disk queue). */
    void clearMemory() {
        memory.drain();
        memoryBodyBytes = 0;
    }

    /** Removes and returns those in memory (shutdown without a journal: NSQ writes them to disk as plain messages). */
    List<Message> drainMemory() {
        memoryBodyBytes = 0;
        return List.of(memory.drain());
    }

    /**
     * Shutdown: those in memory go to the journal with their due times (their old records of
     * {@code source} acknowledged once written), then the journal is closed. If that write fails
     * they go back to {@code source} as plain messages instead: late, but not lost.
     */
    Future<Void> saveAndClose(DiskBackend source) {
        List<Message> held = new ArrayList<>(drainMemory());
        Future<Void> saved = held.isEmpty() ? DONE : journal.append(held, source)
                .recover(e -> source.writeBack(held, source));
        return saved.transform(ar -> journal.close());
    }
}
