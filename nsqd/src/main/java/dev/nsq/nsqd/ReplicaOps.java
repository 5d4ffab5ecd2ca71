package dev.nsq.nsqd;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The replication stream's encoding (docs/replication.md). A leader sends each follower requests
 * over its connection to the follower's {@link ReplicaServer}: a header (topic, epoch, leader, sequence of the last op) and then ops, each a
 * code and its fields, big-endian as NSQ's wire. An op is encoded once and shared by every
 * follower's queue.
 */
final class ReplicaOps {
    private ReplicaOps() {}

    static final byte PUB = 1;
    static final byte FIN = 2;
    static final byte DEFER = 3;
    static final byte CHANNEL_CREATE = 4;
    static final byte CHANNEL_DELETE = 5;
    static final byte PAUSE = 6;
    static final byte UNPAUSE = 7;
    static final byte EMPTY = 8;
    /** Catch-up begins: the follower drops what it holds of the topic and takes the channels listed. */
    static final byte RESET = 9;
    /** Catch-up: one message the leader holds, for one channel ("" for the topic itself). */
    static final byte SNAPSHOT_MESSAGE = 10;

    /** PUB ops for a batch, taken before the topic changes the messages (defer, attempts). */
    static Buffer publish(List<Message> batch) {
        int size = 0;
        for (Message m : batch) size += 1 + 8 + 8 + 8 + 4 + m.body.length;
        Buffer b = Buffer.buffer(size);
        for (Message m : batch) {
            b.appendByte(PUB).appendLong(m.id).appendLong(m.timestampNs).appendLong(m.deferMs)
                    .appendInt(m.body.length).appendBytes(m.body);
        }
        return b;
    }

    static Buffer finish(String channel, long id) { return string(Buffer.buffer(32).appendByte(FIN), channel).appendLong(id); }

    static Buffer defer(String channel, long id, long delayMs) {
        return string(Buffer.buffer(40).appendByte(DEFER), channel).appendLong(id).appendLong(delayMs);
    }

    /** A control op on a channel, or on the topic when {@code channel} is "". */
    static Buffer control(byte code, String channel) { return string(Buffer.buffer(24).appendByte(code), channel); }

    static Buffer reset(boolean topicPaused, List<String> channels, List<Boolean> paused) {
        Buffer b = Buffer.buffer(64).appendByte(RESET).appendByte((byte) (topicPaused ? 1 : 0)).appendInt(channels.size());
        for (int i = 0; i < channels.size(); i++) string(b, channels.get(i)).appendByte((byte) (paused.get(i) ? 1 : 0));
        return b;
    }

    /** {@code dueInMs}: 0 for a message to deliver now, else what is left of its defer. */
    static void snapshotMessage(Buffer b, String channel, Message m, long dueInMs) {
        string(b.appendByte(SNAPSHOT_MESSAGE), channel).appendLong(m.id).appendLong(m.timestampNs)
                .appendShort((short) m.attempts).appendLong(dueInMs).appendInt(m.body.length).appendBytes(m.body);
    }

    static Buffer header(String topic, long epoch, String leader, long lastSeq) {
        return string(string(Buffer.buffer(64), topic).appendLong(epoch), leader).appendLong(lastSeq);
    }

    static Buffer string(Buffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return b.appendShort((short) bytes.length).appendBytes(bytes);
    }

    /** Reads a request front to back. */
    static final class Reader {
        private final Buffer b;
        private int pos;

        Reader(Buffer b) { this.b = b; }

        boolean more() { return pos < b.length(); }

        byte code() { return b.getByte(pos++); }

        long int64() {
            long v = b.getLong(pos);
            pos += 8;
            return v;
        }

        int int32() {
            int v = b.getInt(pos);
            pos += 4;
            return v;
        }

        int int16() {
            int v = b.getShort(pos) & 0xffff;
            pos += 2;
            return v;
        }

        boolean flag() { return b.getByte(pos++) != 0; }

        String string() {
            int n = int16();
            String s = b.getString(pos, pos + n, "UTF-8");
            pos += n;
            return s;
        }

        byte[] bytes() {
            int n = int32();
            byte[] out = b.getBytes(pos, pos + n);
            pos += n;
            return out;
        }
    }
}
