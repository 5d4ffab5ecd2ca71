package dev.nsq.protocol.lookup;

import io.netty.buffer.ByteBuf;

/** Lookup protocol V1 replies: {@code [4-byte BE size][data]}, no frame type (errors are "CODE text"). */
public final class V1Frames {
    private V1Frames() {}

    public static void write(ByteBuf out, byte[] data) {
        out.writeInt(data.length);
        out.writeBytes(data);
    }
}
