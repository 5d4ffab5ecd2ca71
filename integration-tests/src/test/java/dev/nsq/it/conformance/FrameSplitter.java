package dev.nsq.it.conformance;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a byte stream into frames: [4-byte BE size][data] on lookupd (V1) connections, where data
 * is [4-byte type][payload] on nsqd (V2) ones. Not thread-safe; the owner serialises calls.
 */
final class FrameSplitter {
    static final int MAX_FRAME = 64 * 1024 * 1024;

    private final String connName;
    private final boolean v1;
    private byte[] pending = new byte[0];
    private String error;

    FrameSplitter(String connName, boolean v1) {
        this.connName = connName;
        this.v1 = v1;
    }

    /** Appends bytes and returns the frames they complete; after an impossible size, none. */
    List<Frame> feed(byte[] bytes) {
        byte[] all = Arrays.copyOf(pending, pending.length + bytes.length);
        System.arraycopy(bytes, 0, all, pending.length, bytes.length);
        List<Frame> out = new ArrayList<>();
        int pos = 0;
        while (error == null && all.length - pos >= 4) {
            long size = Integer.toUnsignedLong(ByteBuffer.wrap(all, pos, 4).getInt());
            if (size > MAX_FRAME || (!v1 && size < 4)) {
                error = "invalid frame size " + size + " on " + connName;
                break;
            }
            if (all.length - pos - 4 < size) {
                break;
            }
            byte[] data = Arrays.copyOfRange(all, pos + 4, pos + 4 + (int) size);
            pos += 4 + (int) size;
            out.add(v1 ? new Frame("v1", data)
                    : Frame.v2(ByteBuffer.wrap(data).getInt(), Arrays.copyOfRange(data, 4, data.length)));
        }
        pending = Arrays.copyOfRange(all, pos, all.length);
        return out;
    }

    /** Why the stream cannot be read further, or null. */
    String error() {
        return error;
    }

    /** Bytes received but not yet part of a complete frame. */
    byte[] pending() {
        return pending.clone();
    }
}
