package dev.nsq.nsqd;

import dev.nsq.protocol.GuidFactory;
import dev.nsq.protocol.Names;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A topic: takes published messages and gives every channel its own copy. While it has no channel,
 * or is paused, messages wait here (NSQ's topic memory queue) and move on when a channel appears
 * or it is unpaused. The hand-off is synchronous, under the topic's lock, instead of NSQ's pump
 * goroutine: one less queue hop per message and no thread to park.
 *
 * <p>Thread-safety: every mutating method takes the topic's monitor; lock order Topic, then Channel.
 */
final class Topic {
    private static final Logger log = LoggerFactory.getLogger(Topic.class);

    final String name;
    final boolean ephemeral;
    private final NsqdOptions options;
    private final GuidFactory guids;
    private final ArrayDeque<Message> memoryQueue = new ArrayDeque<>();
    /** Sorted by name, as /stats lists them. */
    private final Map<String, Channel> channels = new TreeMap<>();
    private volatile boolean paused;
    private boolean deleted;
    private volatile long messageCount;
    private volatile long messageBytes;

    Topic(String name, NsqdOptions options) {
        this.name = name;
        this.ephemeral = Names.isEphemeral(name);
        this.options = options;
        this.guids = new GuidFactory(options.nodeId);
        log.info("TOPIC({}): created", name);
    }

    /** A new message with this topic's next ID and the current time. */
    Message newMessage(byte[] body, long deferMs) {
        Message m = new Message(guids.next(), System.currentTimeMillis() * 1_000_000L, body);
        m.deferMs = deferMs;
        return m;
    }

    /**
     * Publishes all of {@code batch} or none of it (MPUB is all-or-nothing). Returns false when the
     * memory queues are full; nothing is then taken, so the publisher's error is the truth.
     */
    synchronized boolean put(List<Message> batch) {
        if (deleted) return false;
        int n = batch.size();
        boolean holdHere = paused || channels.isEmpty();
        if (holdHere) {
            if (!ephemeral && memoryQueue.size() + n > options.memQueueSize) return false;
        } else {
            for (Channel c : channels.values()) if (!c.hasRoom(n)) return false;
        }
        for (Message m : batch) {
            messageCount++;
            messageBytes += m.body.length;
            if (holdHere) {
                if (!ephemeral || memoryQueue.size() < options.memQueueSize) memoryQueue.addLast(m);
            } else {
                fanOut(m);
            }
        }
        return true;
    }

    private void fanOut(Message m) {
        if (channels.size() == 1) {
            channels.values().iterator().next().put(m);
            return;
        }
        // copies first: a put may deliver at once and change the original's attempts
        Channel[] targets = channels.values().toArray(new Channel[0]);
        Message[] copies = new Message[targets.length];
        copies[0] = m;
        for (int i = 1; i < targets.length; i++) copies[i] = m.copyForChannel();
        for (int i = 0; i < targets.length; i++) targets[i].put(copies[i]);
    }

    /** Moves held messages on to the channels, when there are channels and the topic runs. */
    private void drainHeld() {
        if (paused || channels.isEmpty()) return;
        Message m;
        while ((m = memoryQueue.pollFirst()) != null) fanOut(m);
    }

    /** The channel, created if missing. */
    synchronized Channel getOrCreateChannel(String channelName) {
        Channel c = channels.get(channelName);
        if (c == null) {
            c = new Channel(name, channelName, options);
            channels.put(channelName, c);
            log.info("TOPIC({}): new channel({})", name, channelName);
            drainHeld();
        }
        return c;
    }

    synchronized Channel getChannel(String channelName) { return channels.get(channelName); }

    /** Removes a channel; returns its clients so the caller closes them outside the lock. */
    synchronized List<ClientV2> deleteChannel(String channelName) {
        Channel c = channels.remove(channelName);
        if (c == null) return null;
        log.info("TOPIC({}): deleting channel({})", name, channelName);
        return c.delete();
    }

    synchronized int channelCount() { return channels.size(); }

    synchronized List<Channel> channelsSnapshot() { return new ArrayList<>(channels.values()); }

    synchronized void pause() { paused = true; }

    synchronized void unpause() {
        paused = false;
        drainHeld();
    }

    boolean isPaused() { return paused; }

    /** Drops what waits at the topic (channels keep theirs), as NSQ's /topic/empty. */
    synchronized void empty() { memoryQueue.clear(); }

    /** Marks deleted and returns every client of every channel for closing. */
    synchronized List<ClientV2> delete() {
        deleted = true;
        List<ClientV2> out = new ArrayList<>();
        for (Channel c : channels.values()) out.addAll(c.delete());
        channels.clear();
        memoryQueue.clear();
        log.info("TOPIC({}): deleted", name);
        return out;
    }

    synchronized boolean isDeleted() { return deleted; }

    synchronized int depth() { return memoryQueue.size(); }
    long messageCount() { return messageCount; }
    long messageBytes() { return messageBytes; }
}
