package dev.nsq.nsqd;

import dev.nsq.protocol.GuidFactory;
import dev.nsq.protocol.Names;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A topic: takes published messages and gives every channel its own copy. While it has no channel,
 * or is paused, messages wait here (memory up to --mem-queue-size, then the topic's disk queue)
 * and move on when a channel appears or it is unpaused. The hand-off to channels is synchronous,
 * under the topic's lock, instead of NSQ's pump goroutine: one less queue hop per message. Only
 * the backlog on disk is pumped asynchronously, a batch at a time, paced by the channels' writes.
 * Waiting messages are kept off the Java heap ({@link OffHeapQueue}) and move on a batch at a time.
 *
 * <p>Thread-safety: every mutating method takes the topic's monitor; lock order Topic, then Channel.
 */
final class Topic {
    private static final Logger log = LoggerFactory.getLogger(Topic.class);
    private static final Future<Void> DONE = Future.succeededFuture();
    private static final int PUMP_BATCH = 256;
    /** Held messages materialised per step when they move on or go to disk at shutdown. */
    private static final int MOVE_BATCH = 4096;

    final String name;
    final boolean ephemeral;
    private final NsqdOptions options;
    private final GuidFactory guids;
    /** Null for ephemeral topics. */
    private final DiskBackend backend;
    /**
     * Deferred messages waiting here (no channel yet, paused) with their due time, on disk (ours,
     * --persist-deferred: NSQ keeps their defer only in memory). Null without the flag and for
     * ephemeral topics.
     */
    private final DeferredJournal journal;
    private final Function<Channel.Spec, Channel> channelFactory;
    /** Off-heap: its chunks are released by resume, empty, delete and shutdown. */
    private final OffHeapQueue memoryQueue = new OffHeapQueue();
    /** How the logs name this topic, made once rather than per message. */
    private final String logTag;
    /** Sorted by name, as /stats lists them. */
    private final Map<String, Channel> channels = new TreeMap<>();
    private volatile boolean paused;
    private boolean deleted;
    private boolean flushed;
    private boolean pumping;
    /** False while a new topic waits for its lookupds' channels (NSQ's topic Start). */
    private volatile boolean started = true;
    private volatile long messageCount;
    private volatile long messageBytes;
    /** Bytes of the bodies waiting here (memory and disk), for --max-bytes-per-queue; written under the lock. */
    private volatile long heldBytes;

    Topic(String name, NsqdOptions options, Storage storage, Function<Channel.Spec, Channel> channelFactory) {
        this.name = name;
        this.ephemeral = Names.isEphemeral(name);
        this.logTag = "TOPIC(" + name + ")";
        this.options = options;
        this.guids = new GuidFactory(options.nodeId);
        this.channelFactory = channelFactory;
        this.backend = ephemeral || storage == null ? null : storage.openBackend(name, guids::next);
        this.journal = backend == null ? null : storage.openJournal(name, guids::next);
        if (backend != null) backend.barrier().onSuccess(v -> { // a backlog left from before
            synchronized (this) {
                heldBytes += backend.bodyBytesAtOpen();
            }
            resume();
        });
        if (journal != null) journal.load().onSuccess(bytes -> {
            synchronized (this) {
                heldBytes += bytes;
            }
            resume();
        });
        log.info("TOPIC({}): created", name);
    }

    long nextId() { return guids.next(); }

    /** A new message with this topic's next ID and the current time (epoch ns, as NSQ's UnixNano). */
    Message newMessage(byte[] body, long deferMs) {
        java.time.Instant now = java.time.Instant.now(); // ns precision; escape analysis keeps it off the heap
        Message m = new Message(guids.next(), now.getEpochSecond() * 1_000_000_000L + now.getNano(), body);
        m.deferMs = deferMs;
        return m;
    }

    /**
     * Publishes a batch. The future completes once every message is in memory or written to disk
     * (the publisher is acknowledged then) and fails if a disk write failed.
     */
    synchronized Future<Void> put(List<Message> batch) {
        if (deleted) return Future.failedFuture(new IllegalStateException("topic deleted"));
        long bytes = 0;
        for (Message m : batch) bytes += m.body.length;
        boolean held = paused || channels.isEmpty() || !started;
        if (options.maxBytesPerQueue > 0) {
            QueueFullException full = overBound(held, bytes, options.maxBytesPerQueue);
            if (full != null) return Future.failedFuture(full);
        }
        messageCount += batch.size(); // one write each per batch: they are volatile for /stats readers
        messageBytes += bytes;
        if (held) return hold(batch, null);
        return fanOut(batch);
    }

    /**
     * --max-bytes-per-queue: refuses a batch that would take this topic (when it would hold the
     * batch) or any of its channels over the bound. Channels' counts only fall without the topic's
     * lock (their rises come through here), so the check cannot let too much in.
     */
    private QueueFullException overBound(boolean held, long bytes, long max) {
        if (held && heldBytes + bytes > max) return new QueueFullException("topic " + name, heldBytes, max);
        for (Channel c : channels.values()) {
            long h = c.heldBytes();
            if (h + bytes > max) return new QueueFullException("channel " + name + ":" + c.name, h, max);
        }
        return null;
    }

    /**
     * Keeps messages here until they can move on: deferred ones in the journal, with their due time,
     * the rest in memory or on disk. Messages read from a record of {@code source} (this topic's disk
     * queue or journal) have it acknowledged once they are held again.
     */
    private Future<Void> hold(List<Message> batch, DiskBackend source) {
        List<Message> toDisk = null, deferred = null;
        long now = System.nanoTime();
        for (Message m : batch) {
            if (deleted || flushed) break; // the queue is dropped or written already: nothing may be added
            heldBytes += m.body.length;
            if (m.deferMs > 0 && journal != null && options.persistDeferred) {
                m.priorityNs = now + m.deferMs * 1_000_000L;
                m.deferMs = 0; // the journal keeps the due time; releaseJournal gives back what is left
                if (deferred == null) deferred = new ArrayList<>();
                deferred.add(m);
                continue;
            }
            if (source != null && source != backend && memoryQueue.size() < options.memQueueSize) {
                long seq = DiskBackend.takeSeq(m); // the memory queue only carries records of our disk queue
                if (enqueue(m)) {
                    source.ack(seq);
                    continue;
                }
                m.diskSeq = seq;
            }
            if (memoryQueue.size() < options.memQueueSize && enqueue(m)) continue;
            if (backend != null) {
                if (toDisk == null) toDisk = new ArrayList<>();
                toDisk.add(m);
            } else {
                heldBytes -= m.body.length; // ephemeral overflow is discarded, as NSQ does
            }
        }
        // messages from our own disk queue or journal leave their old records once written again
        Future<Void> written = toDisk == null ? DONE : backend.writeBack(toDisk, source);
        if (deferred == null) return written;
        return Future.join(written, journal.append(deferred, source)).mapEmpty();
    }

    /** Into the memory queue; false when direct memory is exhausted, and the queue then counts as full. */
    private boolean enqueue(Message m) { return memoryQueue.offerOrWarn(m, logTag); }

    /** Every channel gets its own copy (the first channel takes the originals). */
    private Future<Void> fanOut(List<Message> batch) {
        Channel[] targets = channels.values().toArray(new Channel[0]);
        List<List<Message>> copies = new ArrayList<>(targets.length);
        copies.add(batch);
        for (int i = 1; i < targets.length; i++) {
            // copies first: a put may deliver at once and change the original's attempts
            List<Message> c = new ArrayList<>(batch.size());
            for (Message m : batch) c.add(m.copyForChannel());
            copies.add(c);
        }
        if (targets.length == 1) return targets[0].put(batch); // the common case: no composite
        List<Future<Void>> writes = new ArrayList<>(targets.length);
        for (int i = 0; i < targets.length; i++) writes.add(targets[i].put(copies.get(i)));
        return Future.join(writes).mapEmpty();
    }

    /**
     * Fan-out of messages read from this topic's disk queue: their records are acknowledged once
     * every channel has them (in memory, or written to its own disk queue), so a crash before that
     * re-reads them rather than losing them.
     */
    private Future<Void> fanOutAndAck(List<Message> batch, DiskBackend source) {
        long[] seqs = new long[batch.size()];
        for (int i = 0; i < seqs.length; i++) seqs[i] = DiskBackend.takeSeq(batch.get(i));
        Future<Void> written = fanOut(batch);
        if (source != null) written.onSuccess(v -> { for (long seq : seqs) source.ack(seq); });
        return written;
    }

    /** Moves what waits here on to the channels, when there are channels and the topic runs. */
    private void resume() {
        synchronized (this) {
            if (!running()) return;
            while (!memoryQueue.isEmpty()) { // in batches: a whole queue on the heap at once is what we avoid
                List<Message> held = new ArrayList<>(Math.min(MOVE_BATCH, memoryQueue.size()));
                memoryQueue.drainTo(held::add, MOVE_BATCH);
                movedOn(held);
                fanOutAndAck(held, backend);
            }
        }
        releaseJournal();
        synchronized (this) {
            if (backend == null || pumping || backend.depth() == 0 || !running()) return;
            pumping = true;
        }
        pumpFromDisk();
    }

    private boolean running() { return !paused && !channels.isEmpty() && !deleted && !flushed && started; }

    /**
     * Hands the journal's deferred messages to the channels, a batch at a time, each deferred there
     * for what is left of its time (none when it is due); their records here are acknowledged once
     * the channels hold them. Called holding no lock.
     */
    private void releaseJournal() {
        if (journal == null || journal.count() == 0) return;
        Future<List<Message>> read = journal.releaseAny(PUMP_BATCH);
        if (read == null) return; // a release is running; it goes on by itself
        read.onSuccess(msgs -> {
            if (msgs.isEmpty()) return;
            Future<Void> written;
            synchronized (this) {
                if (flushed || deleted) return; // their records stay: read again after a restart
                long now = System.nanoTime();
                for (Message m : msgs) m.deferMs = Math.max(0, (m.priorityNs - now + 999_999) / 1_000_000);
                movedOn(msgs);
                written = running() ? fanOutAndAck(msgs, journal.backend()) : hold(msgs, journal.backend());
            }
            written.onComplete((v, e) -> {
                boolean again;
                synchronized (this) {
                    again = running();
                }
                if (again) releaseJournal();
            });
        });
    }

    /** One batch from the topic's disk queue to the channels; the next once their writes are done. */
    private void pumpFromDisk() {
        backend.read(PUMP_BATCH).onComplete((msgs, err) -> {
            Future<Void> written = DONE;
            boolean again;
            synchronized (this) {
                if (msgs != null && !msgs.isEmpty()) {
                    movedOn(msgs);
                    if (paused || channels.isEmpty() || deleted || flushed) hold(msgs, backend); // back to waiting
                    else written = fanOutAndAck(msgs, backend);
                }
                again = msgs != null && !msgs.isEmpty() && backend.depth() > 0
                        && !paused && !channels.isEmpty() && !deleted && !flushed;
                if (!again) pumping = false;
            }
            if (again) written.onComplete((v, e) -> pumpFromDisk());
        });
    }

    /** Messages leave what waits here (hold() counts them again if they come back). */
    private void movedOn(List<Message> msgs) {
        for (Message m : msgs) heldBytes -= m.body.length;
    }

    /** The channel, created if missing. */
    Channel getOrCreateChannel(String channelName) {
        Channel c;
        synchronized (this) {
            c = channels.get(channelName);
            if (c != null) return c;
            c = channelFactory.apply(new Channel.Spec(name, channelName));
            channels.put(channelName, c);
            log.info("TOPIC({}): new channel({})", name, channelName);
        }
        resume();
        return c;
    }

    /** Replication's catch-up: the messages waiting here in memory (copies), in order. */
    synchronized List<Message> heldInMemory() { return memoryQueue.peek(Integer.MAX_VALUE); }

    synchronized Channel getChannel(String channelName) { return channels.get(channelName); }

    /** Removes a channel; returns its clients so the caller closes them outside the lock. */
    synchronized List<Consumer> deleteChannel(String channelName) {
        Channel c = channels.remove(channelName);
        if (c == null) return null;
        log.info("TOPIC({}): deleting channel({})", name, channelName);
        return c.delete();
    }

    synchronized int channelCount() { return channels.size(); }

    synchronized List<Channel> channelsSnapshot() { return new ArrayList<>(channels.values()); }

    /** Holds messages here until {@link #start()}: channels from lookupd are on their way. */
    void holdUntilStarted() { started = false; }

    void start() {
        started = true;
        resume();
    }

    synchronized void pause() { paused = true; }

    void unpause() {
        synchronized (this) {
            paused = false;
        }
        resume();
    }

    boolean isPaused() { return paused; }

    /** Drops what waits at the topic, in memory and on disk (channels keep theirs), as NSQ's /topic/empty. */
    synchronized Future<Void> empty() {
        heldBytes = 0;
        memoryQueue.clear();
        if (backend == null) return DONE;
        if (journal == null) return backend.empty();
        return Future.join(backend.empty(), journal.empty()).mapEmpty();
    }

    /** Marks deleted, deletes channels and files, and returns every client for closing. */
    synchronized List<Consumer> delete() {
        deleted = true;
        List<Consumer> out = new ArrayList<>();
        for (Channel c : channels.values()) out.addAll(c.delete());
        channels.clear();
        memoryQueue.clear();
        if (backend != null) backend.delete();
        if (journal != null) journal.delete();
        log.info("TOPIC({}): deleted", name);
        return out;
    }

    /** Shutdown: channels flush to their disk queues, then what waits here goes to the topic's. */
    Future<Void> flushAndClose() {
        List<Future<Void>> all = new ArrayList<>();
        synchronized (this) {
            flushed = true;
            for (Channel c : channels.values()) all.add(c.flushAndClose());
            if (backend == null) {
                memoryQueue.clear();
            } else {
                all.add(backend.flushAndClose(memoryQueue, this, List.of()));
                if (journal != null) all.add(journal.close()); // what it holds keeps its due time
            }
        }
        return Future.join(all).mapEmpty();
    }

    /**
     * Up to {@code max} of the messages next in line, in delivery order (memory queue, then disk),
     * as copies: depth, attempts and order stay as they are.
     */
    Future<List<Message>> peek(int max) {
        List<Message> held;
        synchronized (this) {
            held = memoryQueue.peek(max);
        }
        return DiskBackend.peekAfter(held, max, backend);
    }

    synchronized boolean isDeleted() { return deleted; }

    DiskBackend backend() { return backend; }

    /** The journal of deferred messages waiting here (null for ephemeral topics). */
    DeferredJournal deferredJournal() { return journal; }

    synchronized int memoryDepth() { return memoryQueue.size(); }
    /** Direct memory held by the memory queue (zero once it is empty, emptied, deleted or flushed). */
    synchronized long memoryQueueBytes() { return memoryQueue.chunkBytes(); }
    long backendDepth() { return backend == null ? 0 : backend.depth(); }
    /** Memory, disk and deferred messages waiting here (NSQ's topic depth counts its deferred ones too). */
    long depth() { return memoryDepth() + backendDepth() + (journal == null ? 0 : journal.count()); }
    long messageCount() { return messageCount; }
    long messageBytes() { return messageBytes; }
    long heldBytes() { return Math.max(0, heldBytes); }
}
