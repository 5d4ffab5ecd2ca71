package dev.nsq.nsqd;

import dev.nsq.protocol.json.NsqdStats.ClientStats;

/**
 * What a {@link Channel} needs of a subscriber (NSQ's {@code Consumer} in channel.go): how many
 * messages it can take now, how to hand it one, its counters, and how to end it. The channel never
 * touches a connection's fields; a TCP client ({@link ClientV2}) and an in-memory test consumer
 * are alike to it.
 *
 * <p>Thread rules: every method may be called from any thread. {@link #send} and the
 * {@link #counters()} writes happen under the lock of the channel the consumer is subscribed to.
 */
interface Consumer {
    /**
     * Messages it may be handed now: its RDY count minus its messages in flight; 0 unless it is
     * subscribed, open and draining what it was sent (a consumer that stops reading stops getting
     * frames once its output buffer is full, whatever its RDY).
     */
    int readyRoom();

    /** IDENTIFY's sample_rate: 0 takes every message, 1-99 that percentage of them. */
    int sampleRate();

    /** How long a message handed to it may stay in flight before it is requeued. */
    long msgTimeoutMs();

    /** Its in-flight, message, finish, requeue and timeout counts, kept by the channel. */
    ClientCounters counters();

    /** Sends one message frame (attempts, timestamp, ID and body as the message holds them now). */
    void send(Message m);

    /** Disconnects it: its channel or topic was deleted. */
    void close();

    /** Its /stats entry; {@code topicFilter} limits the publish counts to one topic ("" for all). */
    ClientStats stats(String topicFilter);
}
