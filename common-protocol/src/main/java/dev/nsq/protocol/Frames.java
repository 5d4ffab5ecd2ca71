package dev.nsq.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Encodes V2 frames: {@code [4-byte BE size = 4 + len(data)][4-byte BE frame type][data]}. Writes go
 * straight into a caller's buffer so a burst of frames shares one allocation.
 */
public final class Frames {
    private Frames() {}

    public static final byte[] OK = "OK".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] HEARTBEAT = "_heartbeat_".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] CLOSE_WAIT = "CLOSE_WAIT".getBytes(StandardCharsets.US_ASCII);

    public static void write(ByteBuf out, int frameType, byte[] data) {
        out.writeInt(4 + data.length);
        out.writeInt(frameType);
        out.writeBytes(data);
    }

    public static void writeResponse(ByteBuf out, byte[] data) { write(out, FrameType.RESPONSE, data); }

    public static void writeError(ByteBuf out, String text) {
        write(out, FrameType.ERROR, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The length of a whole frame for a payload of {@code dataLength} bytes. */
    public static int frameLength(int dataLength) { return 8 + dataLength; }
}
