package dev.nsq.nsqd;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A channel driven in memory: no disk queue, no socket, consumers are {@link MemoryConsumer}s and
 * time is what the test passes in. Deliveries stamp their deadline with the real clock, so a test
 * reads it before and after a delivery and asks about instants outside that interval: "not due yet"
 * before the earliest possible deadline, "due" after the latest.
 */
class ChannelTest {
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);
    private final NsqdOptions options = new NsqdOptions();

    private Channel channel(String name) { return new Channel("t", name, options, null); }

    private Channel channel() { return channel("c"); }

    private static Message msg(long id, String body) {
        return new Message(id, System.currentTimeMillis() * 1_000_000L, body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Message> msgs(long firstId, String... bodies) {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) out.add(msg(firstId + i, bodies[i]));
        return out;
    }

    private static MemoryConsumer subscribed(Channel ch, int rdy) {
        MemoryConsumer c = new MemoryConsumer();
        assertNull(c.subscribe(ch));
        c.ready(rdy);
        return c;
    }

    @Test
    void messagesAreDeliveredInPublishOrder() {
        Channel ch = channel();
        ch.put(msgs(1, "a", "b", "c"));
        MemoryConsumer c = subscribed(ch, 10);
        ch.put(msgs(4, "d", "e"));
        assertEquals(List.of("a", "b", "c", "d", "e"), c.bodies());
        assertEquals(1, c.received.get(0).attempts());
    }

    @Test
    void aConsumerIsSentNoMoreThanItsRdyAllows() {
        Channel ch = channel();
        MemoryConsumer c = subscribed(ch, 2);
        ch.put(msgs(1, "a", "b", "c"));
        assertEquals(List.of("a", "b"), c.bodies());
        assertEquals(1, ch.memoryDepth());
        c.ready(3);
        assertEquals(List.of("a", "b", "c"), c.bodies());
    }

    @Test
    void readyConsumersAreSentMessagesInTurn() {
        Channel ch = channel();
        MemoryConsumer a = subscribed(ch, 10);
        MemoryConsumer b = subscribed(ch, 10);
        ch.put(msgs(1, "1", "2", "3", "4"));
        assertEquals(List.of("1", "3"), a.bodies());
        assertEquals(List.of("2", "4"), b.bodies());
    }

    @Test
    void finishTakesTheMessageOutOfFlightAndMakesRoomForTheNext() {
        Channel ch = channel();
        MemoryConsumer c = subscribed(ch, 1);
        ch.put(msgs(1, "a", "b"));
        assertNull(c.fin(1));
        assertEquals(List.of("a", "b"), c.bodies());
        assertEquals(1, ch.inFlightCount());
        assertEquals(1, c.counters.finished());
        assertEquals("ID not in flight", c.fin(1));
    }

    @Test
    void onlyTheConsumerAMessageWasSentToMayFinishIt() {
        Channel ch = channel();
        MemoryConsumer owner = subscribed(ch, 1);
        MemoryConsumer other = subscribed(ch, 0);
        ch.put(msgs(1, "a"));
        assertEquals("client does not own message", other.fin(1));
        assertEquals(1, ch.inFlightCount());
        assertNull(owner.fin(1));
    }

    @Test
    void requeueWithoutDelaySendsTheMessageAgainAtOnceWithTheNextAttempt() {
        Channel ch = channel();
        MemoryConsumer c = subscribed(ch, 1);
        ch.put(msgs(7, "again"));
        assertNull(c.req(7, 0));
        assertEquals(2, c.received.size());
        assertEquals(new MemoryConsumer.Delivery(7, 2, "again"), c.last());
        assertEquals(1, ch.requeueCount());
        assertEquals(1, c.counters.requeued());
        assertEquals(0, ch.deferredCount());
    }

    @Test
    void requeueWithDelayHoldsTheMessageUntilItIsDue() {
        Channel ch = channel();
        MemoryConsumer c = subscribed(ch, 1);
        ch.put(msgs(7, "later"));
        long before = System.nanoTime();
        assertNull(c.req(7, 5_000));
        long after = System.nanoTime();
        assertEquals(1, ch.deferredCount());
        assertEquals(0, ch.processTimeouts(before + 5 * SECOND_NS - 1), "not due before its delay");
        assertEquals(1, c.received.size());
        assertEquals(1, ch.processTimeouts(after + 5 * SECOND_NS));
        assertEquals(0, ch.deferredCount());
        assertEquals(new MemoryConsumer.Delivery(7, 2, "later"), c.last());
    }

    @Test
    void aMessageNotFinishedWithinItsTimeoutIsSentAgainWithTheNextAttempt() {
        Channel ch = channel();
        MemoryConsumer c = subscribed(ch, 1);
        c.msgTimeoutMs = 1_000;
        long before = System.nanoTime();
        ch.put(msgs(3, "slow"));
        long after = System.nanoTime();
        assertEquals(0, ch.processTimeouts(before + SECOND_NS - 1), "not timed out before msg_timeout");
        assertEquals(1, ch.processTimeouts(after + SECOND_NS));
        assertEquals(1, ch.timeoutCount());
        assertEquals(1, c.counters.timedOut());
        assertEquals(new MemoryConsumer.Delivery(3, 2, "slow"), c.last());
    }

    @Test
    void touchRestartsTheTimeout() {
        Channel ch = channel();
        MemoryConsumer c = subscribed(ch, 1);
        c.msgTimeoutMs = 10_000;
        ch.put(msgs(3, "touched"));
        long after = System.nanoTime();
        assertNull(c.touch(3, after + 5 * SECOND_NS)); // deadline now after + 15 s
        assertEquals(0, ch.processTimeouts(after + 10 * SECOND_NS), "the first deadline no longer counts");
        assertEquals(1, ch.processTimeouts(after + 15 * SECOND_NS));
    }

    @Test
    void touchNeverExtendsTheDeadlinePastMaxMsgTimeoutAfterDelivery() {
        options.maxMsgTimeoutMs = 15_000;
        Channel ch = channel();
        MemoryConsumer c = subscribed(ch, 1);
        c.msgTimeoutMs = 10_000;
        long before = System.nanoTime();
        ch.put(msgs(3, "capped"));
        long after = System.nanoTime();
        assertNull(c.touch(3, after + 10 * SECOND_NS)); // asks for after + 20 s, capped at delivery + 15 s
        assertEquals(0, ch.processTimeouts(before + 15 * SECOND_NS - 1));
        assertEquals(1, ch.processTimeouts(after + 15 * SECOND_NS), "timed out at delivery + max-msg-timeout");
    }

    @Test
    void aSampledConsumerIsSentAboutItsShareAndTheRestIsDropped() {
        Channel ch = channel();
        MemoryConsumer c = subscribed(ch, 10_000);
        c.sampleRate = 10;
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 2000; i++) batch.add(msg(i + 1, "m" + i));
        ch.put(batch);
        // about 11% (the channel keeps a message when a draw of 0-99 is <= the rate): 220 +- 14
        int sent = c.received.size();
        assertTrue(sent > 120 && sent < 320, "sent " + sent + " of 2000 at sample_rate 10");
        assertEquals(sent, ch.inFlightCount());
        assertEquals(0, ch.depth(), "sampled-out messages are not kept for later");
    }

    @Test
    void aPausedChannelHoldsMessagesUntilUnpaused() {
        Channel ch = channel();
        MemoryConsumer c = subscribed(ch, 10);
        ch.pause();
        ch.put(msgs(1, "a", "b"));
        assertTrue(c.received.isEmpty());
        assertEquals(2, ch.memoryDepth());
        ch.unpause();
        assertEquals(List.of("a", "b"), c.bodies());
    }

    @Test
    void emptyDropsQueuedInFlightAndDeferredMessages() {
        Channel ch = channel();
        MemoryConsumer c = subscribed(ch, 2);
        ch.put(msgs(1, "flying", "deferred", "flying too", "queued"));
        assertNull(c.req(2, 60_000));
        assertEquals(2, ch.inFlightCount());
        assertEquals(1, ch.deferredCount());
        assertEquals(1, ch.memoryDepth());
        ch.empty();
        assertEquals(0, ch.depth());
        assertEquals(0, ch.inFlightCount());
        assertEquals(0, ch.deferredCount());
        assertEquals(0, c.counters.inFlight());
        assertEquals("ID not in flight", c.fin(1));
    }

    @Test
    void aLeavingConsumersMessagesInFlightAreSentToTheOthersAtOnce() {
        Channel ch = channel();
        MemoryConsumer leaving = subscribed(ch, 1);
        MemoryConsumer staying = subscribed(ch, 0);
        ch.put(msgs(1, "orphan"));
        staying.rdy = 1; // set without a clientReady call: the removal itself must deliver
        assertFalse(ch.removeClient(leaving), "a consumer is still subscribed");
        assertEquals(List.of(new MemoryConsumer.Delivery(1, 2, "orphan")), staying.received);
    }

    @Test
    void theChannelTellsWhenItsLastConsumerLeft() {
        Channel ch = channel("c#ephemeral");
        MemoryConsumer a = subscribed(ch, 0);
        MemoryConsumer b = subscribed(ch, 0);
        assertFalse(ch.removeClient(a));
        assertTrue(ch.removeClient(b), "the caller deletes an ephemeral channel on this");
    }

    @Test
    void aSecondCopyOfAMessageInFlightIsNotSent() {
        Channel ch = channel();
        MemoryConsumer c = subscribed(ch, 10);
        ch.put(msgs(9, "first"));
        ch.put(List.of(msg(9, "duplicate")));
        assertEquals(List.of("first"), c.bodies());
        assertEquals(1, ch.inFlightCount());
        assertEquals(1, c.counters.inFlight());
        assertEquals(0, ch.depth(), "the duplicate is dropped, not queued");
    }

    @Test
    void maxChannelConsumersRefusesOneConsumerTooMany() {
        options.maxChannelConsumers = 2;
        Channel ch = channel();
        assertNull(new MemoryConsumer().subscribe(ch));
        assertNull(new MemoryConsumer().subscribe(ch));
        assertEquals("consumers for t:c exceeds limit of 2", new MemoryConsumer().subscribe(ch));
        assertEquals(2, ch.clientsSnapshot().size());
    }

    @Test
    void aConsumerLeavingMakesRoomUnderMaxChannelConsumers() {
        options.maxChannelConsumers = 1;
        Channel ch = channel();
        MemoryConsumer first = subscribed(ch, 0);
        ch.removeClient(first);
        assertNull(new MemoryConsumer().subscribe(ch));
    }

    @Test
    void aDeletedChannelRefusesSubscribersAndHandsBackItsConsumers() {
        Channel ch = channel();
        MemoryConsumer c = subscribed(ch, 1);
        ch.put(msgs(1, "a", "b"));
        assertEquals(List.of(c), ch.delete());
        assertEquals(0, ch.depth());
        assertEquals(0, ch.inFlightCount());
        assertEquals("exiting", new MemoryConsumer().subscribe(ch));
    }
}
