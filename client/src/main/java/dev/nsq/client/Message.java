package dev.nsq.client;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One delivered message. {@link #finish()}, {@link #requeue(long)} and {@link #touch()} may be called
 * from any thread; only the first finish or requeue counts. Unless {@link #disableAutoResponse()} was
 * called, the consumer finishes the message when the handler returns and requeues it when it throws.
 */
public final class Message {
    /** What the consumer does with a response; implemented by the connection the message came on. */
    interface Responder {
        void finish(Message m);
        void requeue(Message m, long delayMs, boolean backoff);
        void touch(Message m);
    }

    private final byte[] id;
    private final long timestampNs;
    private final int attempts;
    private final byte[] body;
    private final String nsqdAddress;
    private final Responder responder;
    private final AtomicBoolean responded = new AtomicBoolean();
    private volatile boolean autoResponse = true;

    Message(byte[] id, long timestampNs, int attempts, byte[] body, String nsqdAddress, Responder responder) {
        this.id = id;
        this.timestampNs = timestampNs;
        this.attempts = attempts;
        this.body = body;
        this.nsqdAddress = nsqdAddress;
        this.responder = responder;
    }

    /** Decodes the data of a message frame: {@code [timestamp 8][attempts 2][id 16][body]}. */
    static Message decode(Buffer data, String nsqdAddress, Responder responder) {
        if (data.length() < dev.nsq.protocol.MessageLayout.HEADER_LENGTH)
            throw new IllegalStateException("message frame too short: " + data.length());
        long ts = data.getLong(0);
        int attempts = data.getUnsignedShort(8);
        byte[] id = data.getBytes(10, 26);
        byte[] body = data.getBytes(26, data.length());
        return new Message(id, ts, attempts, body, nsqdAddress, responder);
    }

    /** The 16 ASCII bytes of the ID, as sent in FIN/REQ/TOUCH. */
    public byte[] idBytes() { return id.clone(); }

    byte[] rawId() { return id; }

    public String id() { return new String(id, StandardCharsets.US_ASCII); }

    /** When nsqd received the publish, nanoseconds since the Unix epoch. */
    public long timestampNs() { return timestampNs; }

    /** Deliveries so far, this one included (1 on the first). */
    public int attempts() { return attempts; }

    public byte[] body() { return body; }

    /** The nsqd ({@code host:port}) that delivered this message. */
    public String nsqdAddress() { return nsqdAddress; }

    /** Leaves finishing or requeueing to the handler, even after it returns. */
    public void disableAutoResponse() { autoResponse = false; }

    public boolean isAutoResponseDisabled() { return !autoResponse; }

    public boolean hasResponded() { return responded.get(); }

    public void finish() {
        if (responded.compareAndSet(false, true)) responder.finish(this);
    }

    /** REQ with this delay (ms); counts as a failure for backoff. */
    public void requeue(long delayMs) {
        if (responded.compareAndSet(false, true)) responder.requeue(this, delayMs, true);
    }

    /** REQ with this delay (ms) without entering backoff. */
    public void requeueWithoutBackoff(long delayMs) {
        if (responded.compareAndSet(false, true)) responder.requeue(this, delayMs, false);
    }

    /** Resets nsqd's timeout for this message. */
    public void touch() {
        if (!responded.get()) responder.touch(this);
    }

    @Override
    public String toString() { return "Message[" + id() + ", attempts=" + attempts + ", " + body.length + " bytes]"; }
}
