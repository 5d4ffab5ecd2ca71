package dev.nsq.nsqd;

import dev.nsq.protocol.json.NsqdStats.ClientStats;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A subscriber without a socket, for driving {@link Channel} and {@link Topic} in memory: it
 * records every message sent to it, has a settable RDY, sample rate and msg timeout, and answers
 * FIN, REQ and TOUCH through its channel as {@link ProtocolV2} does for a TCP client. What it
 * records is a copy taken at send time: the channel reuses the Message object on redelivery.
 *
 * <p>Not thread-safe: the in-memory core runs on the test's thread.
 */
final class MemoryConsumer implements Consumer {
    /** One message frame as the consumer received it. */
    record Delivery(long id, int attempts, String body) {}

    final List<Delivery> received = new ArrayList<>();
    final ClientCounters counters = new ClientCounters();
    int rdy;
    int sampleRate;
    long msgTimeoutMs = 60_000;
    boolean closed;
    private Channel channel;

    /** SUB: null on success, else the channel's reason (as E_SUB_FAILED would carry it). */
    String subscribe(Channel ch) {
        String err = ch.addClient(this);
        if (err == null) channel = ch;
        return err;
    }

    /** RDY n: may start deliveries at once, as the command does. */
    void ready(int n) {
        rdy = n;
        channel.clientReady();
    }

    String fin(long id) { return channel.finish(this, id); }

    String req(long id, long delayMs) { return channel.requeue(this, id, delayMs); }

    String touch(long id, long nowNs) { return channel.touch(this, id, nowNs); }

    Delivery last() { return received.get(received.size() - 1); }

    List<String> bodies() {
        List<String> out = new ArrayList<>();
        for (Delivery d : received) out.add(d.body());
        return out;
    }

    @Override
    public int readyRoom() { return closed ? 0 : Math.max(0, rdy - counters.inFlight()); }

    @Override
    public int sampleRate() { return sampleRate; }

    @Override
    public long msgTimeoutMs() { return msgTimeoutMs; }

    @Override
    public ClientCounters counters() { return counters; }

    @Override
    public void send(Message m) {
        received.add(new Delivery(m.id, m.attempts, new String(m.body, StandardCharsets.UTF_8)));
    }

    @Override
    public void close() { closed = true; }

    @Override
    public ClientStats stats(String topicFilter) {
        throw new UnsupportedOperationException("an in-memory consumer has no /stats entry");
    }
}
