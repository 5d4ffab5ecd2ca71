package dev.nsq.nsqd;

import dev.nsq.protocol.MessageId;
import dev.nsq.protocol.Names;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A channel: its own copy of every message of its topic, handed to one subscribed client at a time.
 * Holds queued messages (memory up to --mem-queue-size, the rest in its disk queue), in-flight ones
 * (by ID and by timeout) and deferred ones (by due time). Delivery happens here, under the channel's
 * lock, whenever something could make a client ready or a message available: a put, RDY, FIN, a
 * timeout, an unpause, a disk read. Messages come off disk only as fast as ready clients take them,
 * so an idle channel keeps its backlog on disk. Queued messages wait off the Java heap
 * ({@link OffHeapQueue}); a message arriving at an empty queue while a client is ready skips it.
 *
 * <p>Thread-safety: every method takes the channel's monitor; clients on any event loop call in and
 * disk completions arrive on worker threads. Lock order is Topic, then Channel.
 */
final class Channel {
    private static final Logger log = LoggerFactory.getLogger(Channel.class);
    private static final Future<Void> DONE = Future.succeededFuture();
    /** At most this many messages are read from disk per request. */
    private static final int DISK_READ_BATCH = 1024;
    /** At most this many due deferred messages are read back from the journal per step. */
    private static final int JOURNAL_RELEASE_BATCH = 1024;

    /** What a topic knows when it asks for a new channel. */
    record Spec(String topicName, String channelName) {}

    final String topicName;
    final String name;
    final boolean ephemeral;
    private final NsqdOptions options;
    /** Null for ephemeral channels: they never touch disk. */
    private final DiskBackend backend;

    /** Off-heap: its chunks are released by poll, empty, delete and shutdown. */
    private final OffHeapQueue memoryQueue = new OffHeapQueue();
    /** How the logs name this channel, made once rather than per message. */
    private final String logTag;
    private final InFlightMap inFlight = new InFlightMap();
    private final MessagePQueue inFlightByTimeout = new MessagePQueue();
    /** Deferred messages: memory up to a bound, the rest (all, in durable mode) in the journal. */
    private final Deferred deferred;
    private final List<Consumer> clients = new ArrayList<>();
    private int nextClient;
    private volatile boolean paused;
    /** Volatile: subscribers and the HTTP API check it without the lock. */
    private volatile boolean deleted;
    /** Set once shutdown flushed everything to disk: later requeues have nowhere to go. */
    private boolean flushed;
    private boolean diskReadPending;

    // counters read by /stats without the lock
    private volatile long messageCount;
    private volatile long requeueCount;
    private volatile long timeoutCount;

    /** Null unless --e2e-processing-latency-percentile is set. */
    final E2eLatency e2e;
    /** Null unless --max-attempts is set. */
    private final DeadLetters deadLetters;
    /** Messages this channel sent to its dead-letter topic. */
    private volatile long deadLetterCount;
    /**
     * Bytes of the message bodies this channel holds (queued in memory and on disk, in flight,
     * deferred) until they are finished or leave it, for --max-bytes-per-queue. Written under the
     * lock; volatile so the topic reads it for its bound check without taking this lock.
     */
    private volatile long heldBytes;

    /** A channel without dead letters or a deferred journal (in-memory tests, and the simplest case). */
    Channel(String topicName, String name, NsqdOptions options, DiskBackend backend) {
        this(topicName, name, options, backend, null, null);
    }

    Channel(String topicName, String name, NsqdOptions options, DiskBackend backend, DeadLetters deadLetters,
            DeferredJournal journal) {
        this.topicName = topicName;
        this.name = name;
        this.ephemeral = Names.isEphemeral(name);
        this.options = options;
        this.backend = ephemeral ? null : backend;
        this.deadLetters = deadLetters;
        DeferredJournal j = this.backend == null ? null : journal;
        this.deferred = new Deferred(this, j, options.persistDeferred, options.memQueueSize == 0);
        if (j != null) j.load().onSuccess(bytes -> { // deferred messages from before a restart
            synchronized (this) {
                heldBytes += bytes;
            }
        });
        this.logTag = "CHANNEL(" + topicName + ":" + name + ")";
        this.e2e = options.e2eProcessingLatencyPercentiles.isEmpty() ? null
                : new E2eLatency(options.e2eProcessingLatencyPercentiles, options.e2eProcessingLatencyWindowTimeMs);
        if (this.backend != null) this.backend.barrier().onSuccess(v -> { // backlog from disk
            synchronized (this) {
                heldBytes += this.backend.bodyBytesAtOpen();
            }
            clientReady();
        });
    }

    /**
     * Messages from the topic: deferred ones wait in memory, the rest are queued in memory while
     * it has room and on disk after that. The future completes when the disk part is written.
     */
    synchronized Future<Void> put(List<Message> batch) {
        if (deleted || flushed) return DONE; // flushed: shutdown already wrote what it had
        List<Message> toDisk = null;
        List<Future<Void>> journaled = null;
        long held = 0;
        for (Message m : batch) {
            messageCount++;
            held += m.body.length;
            if (m.deferMs > 0) {
                long defer = m.deferMs;
                m.deferMs = 0;
                Future<Void> w = startDeferred(m, defer);
                if (!w.isComplete() || w.failed()) {
                    if (journaled == null) journaled = new ArrayList<>();
                    journaled.add(w);
                }
            } else if (memoryQueue.isEmpty() && options.memQueueSize > 0 && deliverNow(m)) {
                // nothing waited ahead of it: the copy into and out of the queue is saved
            } else if (memoryQueue.size() < options.memQueueSize && enqueue(m)) {
                // queued in memory
            } else if (backend != null) {
                if (toDisk == null) toDisk = new ArrayList<>();
                toDisk.add(m);
            } else {
                held -= m.body.length; // ephemeral overflow is discarded, as NSQ's ephemeral backend does
            }
        }
        heldBytes += held;
        dispatch();
        Future<Void> written = toDisk == null ? DONE : backend.write(toDisk).onSuccess(v -> clientReady());
        if (journaled == null) return written;
        journaled.add(written); // a DPUB is acknowledged once its deferred copy is on disk too (durable mode)
        return Future.join(journaled).mapEmpty();
    }

    /** A message coming back (requeue, timeout, client gone): memory, or disk when memory is full. */
    private void requeue(Message m) {
        if (deleted || flushed) return; // shutdown already wrote it, or the channel is gone
        if ((memoryQueue.size() < options.memQueueSize || backend == null) && enqueue(m)) return;
        if (backend != null) spill(m);
        else drop(m); // ephemeral, and no direct memory left
    }

    /** The message leaves this channel for good (finished, dropped, dead-lettered). */
    private void drop(Message m) { heldBytes -= m.body.length; }

    /** To the disk queue; a message read from it before leaves its old record once the new one is written. */
    private void spill(Message m) {
        backend.writeBack(List.of(m), backend).onSuccess(v -> clientReady());
    }

    /** Into the memory queue; false when direct memory is exhausted, and the queue then counts as full. */
    private boolean enqueue(Message m) { return memoryQueue.offerOrWarn(m, logTag); }

    /** Defers a message; the future completes when it is held (written, if it goes to the journal). */
    private Future<Void> startDeferred(Message m, long deferMs) {
        return deferred.add(m, System.nanoTime() + deferMs * 1_000_000L, backend);
    }

    /** Hands queued messages to ready clients, round robin, until one side runs out. */
    private void dispatch() {
        if (paused || clients.isEmpty() || flushed) return;
        while (true) {
            if (memoryQueue.isEmpty()) {
                readFromDisk();
                return;
            }
            Consumer c = nextReadyClient();
            if (c == null) return;
            handOut(memoryQueue.poll(), c);
        }
    }

    /** Delivers a message that would be first in the queue, if a client is ready for it now. */
    private boolean deliverNow(Message m) {
        if (paused || clients.isEmpty() || flushed) return false;
        Consumer c = nextReadyClient();
        if (c == null) return false;
        handOut(m, c);
        return true;
    }

    private void handOut(Message m, Consumer c) {
        int sampleRate = c.sampleRate();
        if (sampleRate > 0 && ThreadLocalRandom.current().nextInt(100) > sampleRate) {
            drop(m);
            if (backend != null) backend.ack(m);
            return; // sampled out: dropped for this channel, as NSQ does
        }
        if (!startInFlight(m, c)) {
            // a second copy of a message already in flight (NSQ's "ID already in flight" internal
            // error): the copy in flight is delivered or requeued, so this one is dropped, unsent
            drop(m);
            if (backend != null) backend.ack(m);
            return;
        }
        c.send(m);
    }

    /** Asks the disk queue for as many messages as ready clients can take now. */
    private void readFromDisk() {
        if (backend == null || diskReadPending || flushed || backend.depth() == 0) return;
        int demand = 0;
        for (Consumer c : clients) demand += c.readyRoom();
        if (demand <= 0) return;
        diskReadPending = true;
        backend.read(Math.min(demand, DISK_READ_BATCH)).onComplete((msgs, err) -> {
            synchronized (this) {
                diskReadPending = false;
                // after delete or shutdown the queue is dropped: nothing may be added to it
                if (msgs != null && !deleted && !flushed) for (Message m : msgs) if (!enqueue(m)) spill(m);
                dispatch();
            }
        });
    }

    private Consumer nextReadyClient() {
        int n = clients.size();
        for (int i = 0; i < n; i++) {
            int idx = (nextClient + i) % n;
            Consumer c = clients.get(idx);
            if (c.readyRoom() > 0) {
                nextClient = (idx + 1) % n;
                return c;
            }
        }
        return null;
    }

    /** Puts a message in flight to {@code c}; false (nothing changed) when its ID is in flight already. */
    private boolean startInFlight(Message m, Consumer c) {
        if (!inFlight.add(m)) {
            log.error("CHANNEL({}:{}): message {} already in flight", topicName, name, MessageId.toHex(m.id));
            return false;
        }
        m.attempts = (m.attempts + 1) & 0xffff;
        long now = System.nanoTime();
        m.owner = c;
        m.deliveryNs = now;
        m.priorityNs = now + c.msgTimeoutMs() * 1_000_000L;
        inFlightByTimeout.push(m);
        c.counters().onSent();
        return true;
    }

    /**
     * Subscribes a consumer; null on success, else NSQ's reason ("exiting" once the channel is
     * deleted, or the --max-channel-consumers limit), checked under the lock with the add so a
     * delete cannot slip in between.
     */
    synchronized String addClient(Consumer c) {
        if (deleted || flushed) return "exiting";
        if (clients.contains(c)) return null;
        long max = options.maxChannelConsumers;
        if (max > 0 && clients.size() >= max)
            return "consumers for " + topicName + ":" + name + " exceeds limit of " + max;
        clients.add(c);
        return null;
    }

    /** Drops a client and gives its in-flight messages back at once. Returns true if now clientless. */
    synchronized boolean removeClient(Consumer c) {
        clients.remove(c);
        if (nextClient >= clients.size()) nextClient = 0;
        if (!flushed) {
            List<Message> back = new ArrayList<>();
            for (Message m : inFlight.values()) if (m.owner == c) back.add(m);
            for (Message m : back) {
                removeInFlight(m);
                requeue(m);
            }
        }
        c.counters().clearInFlight();
        dispatch();
        return clients.isEmpty();
    }

    synchronized List<Consumer> clientsSnapshot() { return new ArrayList<>(clients); }

    /** A client's RDY or in-flight count changed, or messages became available: deliver what fits. */
    synchronized void clientReady() { dispatch(); }

    /** FIN: null on success, else NSQ's reason text. */
    synchronized String finish(Consumer c, long id) {
        Message m = inFlight.get(id);
        String err = checkOwner(c, m);
        if (err != null) return err;
        removeInFlight(m);
        ReplicaEvents ev = replicaEvents;
        if (ev != null) ev.finished(name, id);
        c.counters().onFinished();
        drop(m);
        if (backend != null) backend.ack(m);
        if (e2e != null) e2e.record(m.timestampNs);
        dispatch();
        return null;
    }

    /**
     * REQ: timeout 0 re-queues now, more defers; null on success, else NSQ's reason text. A message
     * past --max-attempts goes to the dead-letter topic instead, once this channel's lock is released.
     */
    String requeue(Consumer c, long id, long timeoutMs) {
        Message dead = null;
        synchronized (this) {
            Message m = inFlight.get(id);
            String err = checkOwner(c, m);
            if (err != null) return err;
            removeInFlight(m);
            c.counters().onRequeued();
            requeueCount++;
            ReplicaEvents ev = replicaEvents;
            if (deadLetters != null && deadLetters.isDead(m)) {
                dead = m;
                if (ev != null) ev.finished(name, id); // it leaves this channel for its dead-letter topic
            } else if (timeoutMs > 0) {
                startDeferred(m, timeoutMs);
                if (ev != null) ev.deferred(name, id, timeoutMs);
            } else {
                requeue(m);
            }
            dispatch();
        }
        if (dead != null) sendToDeadLetters(List.of(dead));
        return null;
    }

    /** TOUCH: the deadline restarts, but never beyond delivery + max-msg-timeout. */
    String touch(Consumer c, long id) { return touch(c, id, System.nanoTime()); }

    /** TOUCH at {@code nowNs}: tests pass the clock to reach the max-msg-timeout cap without waiting. */
    synchronized String touch(Consumer c, long id, long nowNs) {
        Message m = inFlight.get(id);
        String err = checkOwner(c, m);
        if (err != null) return err;
        long deadline = nowNs + c.msgTimeoutMs() * 1_000_000L;
        long max = m.deliveryNs + options.maxMsgTimeoutMs * 1_000_000L;
        if (deadline - max > 0) deadline = max;
        inFlightByTimeout.update(m, deadline);
        return null;
    }

    private void removeInFlight(Message m) {
        inFlight.remove(m.id);
        inFlightByTimeout.remove(m);
        m.owner = null;
    }

    private static String checkOwner(Consumer c, Message m) {
        if (m == null) return "ID not in flight";
        if (m.owner != c) return "client does not own message";
        return null;
    }

    /**
     * Requeues timed-out in-flight messages and releases due deferred ones. Called by the queue
     * scanner; returns how many it moved.
     */
    int processTimeouts(long nowNs) {
        List<Message> dead = null;
        int moved = 0;
        synchronized (this) {
            if (flushed) return 0;
            Message m;
            while ((m = inFlightByTimeout.popIfDue(nowNs)) != null) {
                inFlight.remove(m.id);
                Consumer owner = m.owner;
                if (owner != null) owner.counters().onTimedOut();
                m.owner = null;
                timeoutCount++;
                if (deadLetters != null && deadLetters.isDead(m)) {
                    if (dead == null) dead = new ArrayList<>();
                    dead.add(m);
                    ReplicaEvents ev = replicaEvents;
                    if (ev != null) ev.finished(name, m.id); // it leaves this channel for its dead-letter topic
                } else {
                    requeue(m);
                }
                moved++;
            }
            while ((m = deferred.popDue(nowNs)) != null) {
                requeue(m);
                moved++;
            }
            if (moved > 0) dispatch();
        }
        if (dead != null) sendToDeadLetters(dead);
        releaseFromJournal(nowNs);
        return moved;
    }

    /**
     * Reads the journal's due messages back, a batch at a time, and requeues them; the next batch
     * follows as soon as one is handed over, while any are due. Called holding no lock.
     */
    private void releaseFromJournal(long nowNs) {
        DeferredJournal journal = deferred.journal();
        if (journal == null || !journal.hasDue(nowNs)) return;
        Future<List<Message>> read = journal.releaseDue(nowNs, JOURNAL_RELEASE_BATCH);
        if (read == null) return; // a release is running; it goes on by itself
        read.onSuccess(msgs -> {
            if (msgs.isEmpty()) return;
            released(journal, msgs);
            releaseFromJournal(System.nanoTime());
        });
    }

    /**
     * Due messages from the journal join the queue: memory if it has room (their journal records
     * acknowledged at once, as any message in memory), else the disk queue (the records
     * acknowledged once written there). After shutdown or delete they stay in the journal.
     */
    private synchronized void released(DeferredJournal journal, List<Message> msgs) {
        if (deleted || flushed) return;
        List<Message> toDisk = null;
        for (Message m : msgs) {
            long seq = DiskBackend.takeSeq(m);
            if (memoryQueue.size() < options.memQueueSize && enqueue(m)) {
                journal.ack(seq);
                continue;
            }
            m.diskSeq = seq;
            if (toDisk == null) toDisk = new ArrayList<>();
            toDisk.add(m);
        }
        if (toDisk != null) backend.writeBack(toDisk, journal.backend()).onSuccess(v -> clientReady());
        dispatch();
    }

    /**
     * Publishes messages that used up --max-attempts to the dead-letter topic; called holding no
     * lock. Once they are held there they leave this channel for good (their disk records are
     * acknowledged); if the publish is refused (the dead-letter topic is full, or being deleted)
     * they are requeued here and go to dead letters at their next REQ or timeout.
     */
    private void sendToDeadLetters(List<Message> dead) {
        deadLetters.publish(topicName, name, dead).onComplete((v, e) -> {
            synchronized (this) {
                if (e == null) {
                    deadLetterCount += dead.size();
                    for (Message m : dead) {
                        drop(m);
                        if (backend != null) backend.ack(m);
                    }
                    return;
                }
                log.warn("{}: failed to publish {} message(s) to dead-letter topic {} - {}; requeued",
                        logTag, dead.size(), DeadLetters.topicFor(topicName, name), e.toString());
                for (Message m : dead) requeue(m);
                dispatch();
            }
        });
    }

    /**
     * Replication (docs/replication.md): while this channel's topic is led here, FINs and deferring
     * REQs are told to the followers; null otherwise. Called under this channel's lock.
     */
    interface ReplicaEvents {
        void finished(String channel, long id);

        void deferred(String channel, long id, long delayMs);
    }

    private volatile ReplicaEvents replicaEvents;

    void replicaEvents(ReplicaEvents events) { this.replicaEvents = events; }

    /**
     * Replication's catch-up: every message this channel holds in memory (in flight, deferred,
     * queued), left where it is; {@code dueInMs} is what is left of a deferred message's time, else 0.
     */
    synchronized void forEachInMemory(java.util.function.ObjLongConsumer<Message> out) {
        long now = System.nanoTime();
        for (Message m : inFlight.values()) out.accept(m, 0);
        deferred.forEachInMemory(m -> out.accept(m, Math.max(1, (m.priorityNs - now) / 1_000_000L)));
        for (Message m : memoryQueue.peek(Integer.MAX_VALUE)) out.accept(m, 0);
    }

    synchronized void pause() { paused = true; }

    synchronized void unpause() {
        paused = false;
        dispatch();
    }

    boolean isPaused() { return paused; }

    /** Drops queued, in-flight, deferred and on-disk messages (HTTP /channel/empty). */
    synchronized Future<Void> empty() {
        dropMemory();
        if (backend == null) return DONE;
        if (deferred.journal() == null) return backend.empty();
        return Future.join(backend.empty(), deferred.journal().empty()).mapEmpty();
    }

    private void dropMemory() {
        heldBytes = 0; // the disk queue goes too
        memoryQueue.clear();
        for (Message m : inFlight.values()) m.owner = null;
        inFlight.clear();
        inFlightByTimeout.drain();
        deferred.clearMemory();
        for (Consumer c : clients) c.counters().clearInFlight();
    }

    /** Marks deleted, drops everything including its files; returns the clients for closing. */
    synchronized List<Consumer> delete() {
        deleted = true;
        dropMemory();
        if (backend != null) backend.delete();
        if (deferred.journal() != null) deferred.journal().delete();
        List<Consumer> out = new ArrayList<>(clients);
        clients.clear();
        return out;
    }

    /**
     * Shutdown: memory and in-flight messages go to disk (losing their in-flight state, as NSQ),
     * deferred ones too (losing their defer, as NSQ) or, with --persist-deferred, to the journal
     * with their due times; then the queues are closed. Ephemeral channels just drop theirs.
     */
    synchronized Future<Void> flushAndClose() {
        flushed = true;
        if (backend == null) {
            memoryQueue.clear();
            return DONE;
        }
        List<Message> held = new ArrayList<>();
        for (Message m : inFlight.values()) held.add(m);
        inFlight.clear();
        inFlightByTimeout.drain();
        if (!deferred.persists()) { // NSQ: deferred ones go to disk as plain messages, losing their defer
            held.addAll(deferred.drainMemory());
            Future<Void> closed = backend.flushAndClose(memoryQueue, this, held);
            return deferred.journal() == null ? closed : closed.compose(v -> deferred.journal().close());
        }
        // deferred ones first: their old records here are acknowledged before this queue closes
        return deferred.saveAndClose(backend).compose(v -> backend.flushAndClose(memoryQueue, this, held));
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

    DiskBackend backend() { return backend; }

    boolean isDeleted() { return deleted; }

    // ---- stats
    synchronized int memoryDepth() { return memoryQueue.size(); }
    /** Direct memory held by the memory queue (zero once it is empty, emptied, deleted or flushed). */
    synchronized long memoryQueueBytes() { return memoryQueue.chunkBytes(); }
    long backendDepth() { return backend == null ? 0 : backend.depth(); }
    long depth() { return memoryDepth() + backendDepth(); }
    synchronized int inFlightCount() { return inFlight.size(); }
    synchronized long deferredCount() { return deferred.size(); }

    /** The journal of deferred messages (null for ephemeral channels). */
    DeferredJournal deferredJournal() { return deferred.journal(); }
    long messageCount() { return messageCount; }
    long requeueCount() { return requeueCount; }
    long timeoutCount() { return timeoutCount; }
    long deadLetterCount() { return deadLetterCount; }
    long heldBytes() { return Math.max(0, heldBytes); }
}
