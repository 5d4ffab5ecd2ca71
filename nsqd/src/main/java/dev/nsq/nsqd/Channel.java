package dev.nsq.nsqd;

import dev.nsq.protocol.MessageId;
import dev.nsq.protocol.Names;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A channel: its own copy of every message of its topic, handed to one subscribed client at a time.
 * Holds the queued messages, the in-flight ones (by ID and by timeout) and the deferred ones (by
 * due time). Delivery happens here, under the channel's lock, whenever something could make a
 * client ready or a message available: a put, RDY, FIN, a timeout, an unpause.
 *
 * <p>Thread-safety: every method takes the channel's monitor; clients on any event loop call in.
 * Lock order is Topic, then Channel; a channel never calls back into its topic while locked.
 */
final class Channel {
    private static final Logger log = LoggerFactory.getLogger(Channel.class);

    final String topicName;
    final String name;
    final boolean ephemeral;
    private final NsqdOptions options;

    private final ArrayDeque<Message> memoryQueue = new ArrayDeque<>();
    private final InFlightMap inFlight = new InFlightMap();
    private final MessagePQueue inFlightByTimeout = new MessagePQueue();
    private final MessagePQueue deferred = new MessagePQueue();
    private final List<ClientV2> clients = new ArrayList<>();
    private int nextClient;
    private volatile boolean paused;
    private boolean deleted;

    // counters read by /stats without the lock
    private volatile long messageCount;
    private volatile long requeueCount;
    private volatile long timeoutCount;

    Channel(String topicName, String name, NsqdOptions options) {
        this.topicName = topicName;
        this.name = name;
        this.ephemeral = Names.isEphemeral(name);
        this.options = options;
    }

    /** Whether {@code n} more messages fit in memory (ephemeral channels take and drop overflow, as NSQ). */
    synchronized boolean hasRoom(int n) {
        return ephemeral || memoryQueue.size() + n <= options.memQueueSize;
    }

    /** A message from the topic: deferred if it asks to be, else queued and dispatched. */
    synchronized void put(Message m) {
        if (deleted) return;
        messageCount++;
        if (m.deferMs > 0) {
            long defer = m.deferMs;
            m.deferMs = 0;
            startDeferred(m, defer);
            return;
        }
        enqueue(m);
        dispatch();
    }

    private void enqueue(Message m) {
        if (ephemeral && memoryQueue.size() >= options.memQueueSize) {
            return; // NSQ's ephemeral backend discards overflow
        }
        memoryQueue.addLast(m);
    }

    private void startDeferred(Message m, long deferMs) {
        m.priorityNs = System.nanoTime() + deferMs * 1_000_000L;
        deferred.push(m);
    }

    /** Hands queued messages to ready clients, round robin, until one side runs out. */
    private void dispatch() {
        if (paused || clients.isEmpty()) return;
        while (!memoryQueue.isEmpty()) {
            ClientV2 c = nextReadyClient();
            if (c == null) return;
            Message m = memoryQueue.pollFirst();
            if (c.sampleRate > 0 && ThreadLocalRandom.current().nextInt(100) > c.sampleRate) {
                continue; // sampled out: dropped for this channel, as NSQ does
            }
            startInFlight(m, c);
            c.deliver(m, m.attempts);
        }
    }

    private ClientV2 nextReadyClient() {
        int n = clients.size();
        for (int i = 0; i < n; i++) {
            int idx = (nextClient + i) % n;
            ClientV2 c = clients.get(idx);
            if (c.isReadyForMessages()) {
                nextClient = (idx + 1) % n;
                return c;
            }
        }
        return null;
    }

    private void startInFlight(Message m, ClientV2 c) {
        m.attempts = (m.attempts + 1) & 0xffff;
        long now = System.nanoTime();
        m.owner = c;
        m.deliveryNs = now;
        m.priorityNs = now + c.msgTimeoutMs * 1_000_000L;
        if (!inFlight.add(m)) {
            log.error("CHANNEL({}:{}): message {} already in flight", topicName, name, MessageId.toHex(m.id));
            return;
        }
        inFlightByTimeout.push(m);
        c.inFlightCount++;
        c.messageCount++;
    }

    synchronized void addClient(ClientV2 c) {
        if (!clients.contains(c)) clients.add(c);
    }

    /** Drops a client and gives its in-flight messages back at once. Returns true if now clientless. */
    synchronized boolean removeClient(ClientV2 c) {
        clients.remove(c);
        if (nextClient >= clients.size()) nextClient = 0;
        List<Message> back = new ArrayList<>();
        for (Message m : inFlight.values()) if (m.owner == c) back.add(m);
        for (Message m : back) {
            inFlight.remove(m.id);
            inFlightByTimeout.remove(m);
            m.owner = null;
            enqueue(m);
        }
        c.inFlightCount = 0;
        dispatch();
        return clients.isEmpty();
    }

    synchronized int clientCount() { return clients.size(); }

    synchronized List<ClientV2> clientsSnapshot() { return new ArrayList<>(clients); }

    /** A client's RDY or in-flight count changed: it may take more. */
    synchronized void clientReady() { dispatch(); }

    /** FIN: null on success, else NSQ's reason text. */
    synchronized String finish(ClientV2 c, long id) {
        Message m = inFlight.get(id);
        String err = checkOwner(c, m);
        if (err != null) return err;
        removeInFlight(c, m);
        c.finishCount++;
        dispatch();
        return null;
    }

    /** REQ: timeout 0 re-queues now, more defers; null on success, else NSQ's reason text. */
    synchronized String requeue(ClientV2 c, long id, long timeoutMs) {
        Message m = inFlight.get(id);
        String err = checkOwner(c, m);
        if (err != null) return err;
        removeInFlight(c, m);
        c.requeueCount++;
        requeueCount++;
        if (timeoutMs > 0) startDeferred(m, timeoutMs);
        else enqueue(m);
        dispatch();
        return null;
    }

    /** TOUCH: the deadline restarts, but never beyond delivery + max-msg-timeout. */
    synchronized String touch(ClientV2 c, long id) {
        Message m = inFlight.get(id);
        String err = checkOwner(c, m);
        if (err != null) return err;
        long now = System.nanoTime();
        long deadline = now + c.msgTimeoutMs * 1_000_000L;
        long max = m.deliveryNs + options.maxMsgTimeoutMs * 1_000_000L;
        if (deadline - max > 0) deadline = max;
        inFlightByTimeout.update(m, deadline);
        return null;
    }

    private void removeInFlight(ClientV2 c, Message m) {
        inFlight.remove(m.id);
        inFlightByTimeout.remove(m);
        m.owner = null;
        c.inFlightCount--;
    }

    private static String checkOwner(ClientV2 c, Message m) {
        if (m == null) return "ID not in flight";
        if (m.owner != c) return "client does not own message";
        return null;
    }

    /**
     * Requeues timed-out in-flight messages and releases due deferred ones. Called by the queue
     * scanner; returns how many it moved.
     */
    synchronized int processTimeouts(long nowNs) {
        int moved = 0;
        Message m;
        while ((m = inFlightByTimeout.popIfDue(nowNs)) != null) {
            inFlight.remove(m.id);
            ClientV2 owner = m.owner;
            if (owner != null) {
                owner.inFlightCount--;
                owner.timeoutCount++;
            }
            m.owner = null;
            timeoutCount++;
            enqueue(m);
            moved++;
        }
        while ((m = deferred.popIfDue(nowNs)) != null) {
            enqueue(m);
            moved++;
        }
        if (moved > 0) dispatch();
        return moved;
    }

    synchronized void pause() { paused = true; }

    synchronized void unpause() {
        paused = false;
        dispatch();
    }

    boolean isPaused() { return paused; }

    /** Drops queued, in-flight and deferred messages (HTTP /channel/empty). */
    synchronized void empty() {
        memoryQueue.clear();
        for (Message m : inFlight.values()) m.owner = null;
        inFlight.clear();
        inFlightByTimeout.drain();
        deferred.drain();
        for (ClientV2 c : clients) c.inFlightCount = 0;
    }

    /** Marks deleted, empties, and returns the clients so the caller closes them outside the lock. */
    synchronized List<ClientV2> delete() {
        deleted = true;
        empty();
        List<ClientV2> out = new ArrayList<>(clients);
        clients.clear();
        return out;
    }

    boolean isDeleted() { return deleted; }

    // ---- stats (read without the lock where a slightly stale value is fine)
    synchronized int depth() { return memoryQueue.size(); }
    synchronized int inFlightCount() { return inFlight.size(); }
    synchronized int deferredCount() { return deferred.size(); }
    long messageCount() { return messageCount; }
    long requeueCount() { return requeueCount; }
    long timeoutCount() { return timeoutCount; }
}
