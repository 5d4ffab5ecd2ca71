package dev.nsq.client;

import dev.nsq.protocol.NsqError;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer's view of one nsqd connection: its RDY, the messages it holds in flight, and whether
 * CLS was answered. Message responses may come from any thread; they are handed to the consumer's
 * event loop, which owns every field here.
 */
final class ConsumerConnection implements NsqConnection.Listener, Message.Responder {
    private static final Logger log = LoggerFactory.getLogger(ConsumerConnection.class);

    final Consumer consumer;
    final String address;
    /** Given directly (reconnected on a timer) rather than found through lookupd (found again by polling). */
    final boolean direct;
    NsqConnection conn;
    long rdy;
    int inFlight;
    boolean closeWait;

    ConsumerConnection(Consumer consumer, String address, boolean direct) {
        this.consumer = consumer;
        this.address = address;
        this.direct = direct;
    }

    long maxRdyCount() { return conn == null ? 0 : conn.identify().maxRdyCount(); }

    void sendRdy(long count) {
        if (rdy == count || conn == null) return;
        rdy = count;
        Buffer b = Buffer.buffer(12);
        Commands.rdy(b, count);
        conn.send(b);
    }

    @Override
    public void onMessage(NsqConnection c, Buffer data) {
        Message m;
        try {
            m = Message.decode(data, address, this);
        } catch (RuntimeException e) {
            log.error("CONSUMER({}): failed to decode message - closing", address, e);
            c.close();
            return;
        }
        inFlight++;
        consumer.onMessage(this, m);
    }

    @Override
    public void onError(NsqConnection c, NsqError e) {
        // a FIN/REQ/TOUCH for a message nsqd already timed out: it will be redelivered
        log.warn("CONSUMER({}): {}", address, e.wireText());
    }

    @Override
    public void onClose(NsqConnection c) { consumer.onConnectionClosed(this); }

    @Override
    public void finish(Message m) { consumer.onContext(() -> consumer.responded(this, m, true, 0, false)); }

    @Override
    public void requeue(Message m, long delayMs, boolean backoff) {
        consumer.onContext(() -> consumer.responded(this, m, false, delayMs, backoff));
    }

    @Override
    public void touch(Message m) {
        consumer.onContext(() -> {
            if (conn == null) return;
            Buffer b = Buffer.buffer(24);
            Commands.touch(b, m.rawId());
            conn.send(b);
        });
    }
}
