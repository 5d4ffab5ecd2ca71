package dev.nsq.protocol;

/** The frame types of protocol V2: {@code [size int32][frame type int32][data]}. */
public final class FrameType {
    private FrameType() {}

    public static final int RESPONSE = 0;
    public static final int ERROR = 1;
    public static final int MESSAGE = 2;
}
