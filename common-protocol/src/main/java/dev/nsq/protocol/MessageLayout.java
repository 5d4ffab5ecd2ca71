package dev.nsq.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The message encoding shared by message frames and disk-queue records:
 * {@code [timestamp int64 ns][attempts uint16][id 16 ASCII hex][body]}.
 */
public final class MessageLayout {
    private MessageLayout() {}

    /** timestamp 8 + attempts 2 + id 16. */
    public static final int HEADER_LENGTH = 26;

    /** Writes a whole message frame (size, type 2, message) into {@code out}. */
    public static void writeFrame(ByteBuf out, long timestampNs, int attempts, long id, byte[] body) {
        out.writeInt(4 + HEADER_LENGTH + body.length);
        out.writeInt(FrameType.MESSAGE);
        write(out, timestampNs, attempts, id, body);
    }

    /** Writes the 26-byte header and body, as stored in a disk queue record. */
    public static void write(ByteBuf out, long timestampNs, int attempts, long id, byte[] body) {
        out.writeLong(timestampNs);
        out.writeShort(attempts);
        MessageId.write(out, id);
        out.writeBytes(body);
    }
}
