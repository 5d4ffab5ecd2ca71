package dev.nsq.nsqd;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * NSQ's rule for {@code #ephemeral} names, where nsqd holds it: a channel goes with its last
 * consumer, and an ephemeral topic with its last channel. The nsqd is not started (no storage, no
 * listeners, no lookup); ephemeral topics and channels never need any of them.
 */
class EphemeralTest {
    private final Nsqd nsqd = new Nsqd(new NsqdOptions());

    private static MemoryConsumer subscriber(Channel ch) {
        MemoryConsumer c = new MemoryConsumer();
        assertNull(c.subscribe(ch));
        return c;
    }

    @Test
    void anEphemeralChannelStaysWhileItHasAConsumer() {
        Topic t = nsqd.getOrCreateTopic("t#ephemeral");
        Channel ch = t.getOrCreateChannel("c#ephemeral");
        MemoryConsumer leaving = subscriber(ch);
        subscriber(ch);
        nsqd.unsubscribe(t, ch, leaving);
        assertSame(ch, t.getChannel("c#ephemeral"));
        assertFalse(ch.isDeleted());
    }

    @Test
    void anEphemeralChannelGoesWithItsLastConsumer() {
        Topic t = nsqd.getOrCreateTopic("t#ephemeral");
        Channel ch = t.getOrCreateChannel("c#ephemeral");
        t.getOrCreateChannel("other#ephemeral"); // keeps the topic, so only the channel's rule shows
        nsqd.unsubscribe(t, ch, subscriber(ch));
        assertNull(t.getChannel("c#ephemeral"));
        assertTrue(ch.isDeleted());
        assertSame(t, nsqd.getTopic("t#ephemeral"));
    }

    @Test
    void anEphemeralTopicGoesWithItsLastChannel() {
        Topic t = nsqd.getOrCreateTopic("t#ephemeral");
        Channel ch = t.getOrCreateChannel("c#ephemeral");
        nsqd.unsubscribe(t, ch, subscriber(ch));
        assertNull(nsqd.getTopic("t#ephemeral"));
        assertTrue(t.isDeleted());
    }
}
