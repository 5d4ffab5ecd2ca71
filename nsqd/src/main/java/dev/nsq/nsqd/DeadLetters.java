package dev.nsq.nsqd;

import dev.nsq.protocol.DeadLetterTopic;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * Server-side max attempts (--max-attempts, ours): a message of channel C of topic T that is
 * requeued (REQ) or times out after its Nth delivery is published to the topic {@code T.C.dlq}
 * ({@link DeadLetterTopic}) with the same body instead, and leaves C. NSQ leaves this to clients, which can only
 * finish (lose) a poison message.
 *
 * <p>The channel hands dead letters over after releasing its lock (lock order is Topic, then
 * Channel, and this publishes to another topic); see {@link Channel#sendToDeadLetters}.
 * Thread-safe: called from event loops and queue-scan workers.
 */
final class DeadLetters {
    /** Publishes bodies to a topic (created if missing); the future fails when they are refused. */
    interface Publisher {
        Future<Void> publish(String topic, List<byte[]> bodies);
    }

    private final long maxAttempts;
    private final Publisher publisher;

    DeadLetters(long maxAttempts, Publisher publisher) {
        this.maxAttempts = maxAttempts;
        this.publisher = publisher;
    }

    /** True when a message that comes back now (REQ or timeout) goes to dead letters instead. */
    boolean isDead(Message m) { return m.attempts >= maxAttempts; }

    /**
     * Publishes the messages' bodies to the dead-letter topic of {@code topic}/{@code channel};
     * the future completes once they are held there (memory or disk, as any publish).
     */
    Future<Void> publish(String topic, String channel, List<Message> messages) {
        List<byte[]> bodies = new ArrayList<>(messages.size());
        for (Message m : messages) bodies.add(m.body);
        try {
            return publisher.publish(topicFor(topic, channel), bodies);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /** The dead-letter topic of a channel: {@code T.C.dlq} (see {@link DeadLetterTopic} for the whole rule). */
    static String topicFor(String topic, String channel) { return DeadLetterTopic.of(topic, channel); }
}
