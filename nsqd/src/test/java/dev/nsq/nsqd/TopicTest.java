package dev.nsq.nsqd;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A topic and its channels driven in memory: no storage (so no disk queues), no socket; consumers
 * are {@link MemoryConsumer}s. With nothing on disk every hand-off is synchronous, so a test
 * asserts right after the call.
 */
class TopicTest {
    private final NsqdOptions options = new NsqdOptions();

    private Topic topic() {
        return new Topic("t", options, null, spec -> new Channel(spec.topicName(), spec.channelName(), options, null));
    }

    private static Future<Void> publish(Topic t, String... bodies) { return publishDeferred(t, 0, bodies); }

    private static Future<Void> publishDeferred(Topic t, long deferMs, String... bodies) {
        List<Message> batch = new ArrayList<>();
        for (String b : bodies) batch.add(t.newMessage(b.getBytes(StandardCharsets.UTF_8), deferMs));
        return t.put(batch);
    }

    private static MemoryConsumer subscribed(Topic t, String channel, int rdy) {
        MemoryConsumer c = new MemoryConsumer();
        assertNull(c.subscribe(t.getOrCreateChannel(channel)));
        c.ready(rdy);
        return c;
    }

    @Test
    void everyChannelGetsItsOwnCopyOfEachMessage() {
        Topic t = topic();
        MemoryConsumer a = subscribed(t, "a", 10);
        MemoryConsumer b = subscribed(t, "b", 10);
        assertTrue(publish(t, "x", "y").isComplete());
        assertEquals(List.of("x", "y"), a.bodies());
        assertEquals(a.received, b.received, "same IDs, bodies and first attempts");
    }

    @Test
    void eachChannelCountsItsOwnAttempts() {
        Topic t = topic();
        MemoryConsumer a = subscribed(t, "a", 1);
        MemoryConsumer b = subscribed(t, "b", 1);
        publish(t, "x");
        long id = a.last().id();
        assertNull(a.req(id, 0));
        assertEquals(2, a.last().attempts());
        assertEquals(List.of(new MemoryConsumer.Delivery(id, 1, "x")), b.received);
        assertNull(a.fin(id));
        assertEquals(1, t.getChannel("b").inFlightCount(), "a FIN on one channel leaves the other's copy in flight");
        assertNull(b.fin(id));
    }

    @Test
    void aTopicWithoutChannelsKeepsMessagesUntilTheFirstChannel() {
        Topic t = topic();
        publish(t, "kept1", "kept2");
        assertEquals(2, t.memoryDepth());
        MemoryConsumer c = subscribed(t, "late", 10);
        assertEquals(0, t.memoryDepth());
        assertEquals(List.of("kept1", "kept2"), c.bodies());
    }

    @Test
    void aChannelCreatedLaterGetsOnlyWhatIsPublishedAfterIt() {
        Topic t = topic();
        subscribed(t, "early", 10);
        publish(t, "before");
        MemoryConsumer late = subscribed(t, "late", 10);
        publish(t, "after");
        assertEquals(List.of("after"), late.bodies());
    }

    @Test
    void aPausedTopicHoldsMessagesUntilUnpaused() {
        Topic t = topic();
        MemoryConsumer c = subscribed(t, "c", 10);
        t.pause();
        publish(t, "held");
        assertTrue(c.received.isEmpty());
        assertEquals(1, t.memoryDepth());
        t.unpause();
        assertEquals(List.of("held"), c.bodies());
        assertEquals(0, t.memoryDepth());
    }

    @Test
    void aDeferredPublishWaitsInEveryChannelUntilDue() {
        Topic t = topic();
        MemoryConsumer a = subscribed(t, "a", 10);
        MemoryConsumer b = subscribed(t, "b", 10);
        long before = System.nanoTime();
        publishDeferred(t, 2_000, "later");
        long after = System.nanoTime();
        long twoSeconds = TimeUnit.SECONDS.toNanos(2);
        for (String name : List.of("a", "b")) {
            Channel ch = t.getChannel(name);
            assertEquals(1, ch.deferredCount(), name);
            assertEquals(0, ch.processTimeouts(before + twoSeconds - 1), name);
            assertEquals(1, ch.processTimeouts(after + twoSeconds), name);
        }
        assertEquals(List.of("later"), a.bodies());
        assertEquals(List.of("later"), b.bodies());
    }

    @Test
    void deletingAChannelHandsBackItsConsumersAndLeavesTheOtherChannels() {
        Topic t = topic();
        MemoryConsumer gone = subscribed(t, "gone", 10);
        MemoryConsumer kept = subscribed(t, "kept", 10);
        assertEquals(List.of(gone), t.deleteChannel("gone"));
        publish(t, "after");
        assertTrue(gone.received.isEmpty());
        assertEquals(List.of("after"), kept.bodies());
        assertNull(t.getChannel("gone"));
    }

    @Test
    void aDeletedTopicRefusesPublishesAndHandsBackEveryConsumer() {
        Topic t = topic();
        MemoryConsumer a = subscribed(t, "a", 10);
        MemoryConsumer b = subscribed(t, "b", 10);
        assertEquals(List.of(a, b), t.delete());
        assertTrue(publish(t, "late").failed());
        assertEquals(0, t.channelCount());
    }
}
