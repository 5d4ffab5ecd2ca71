package dev.nsq.protocol;

/** The NSQ version we speak and report ("version" in /info, IDENTIFY, /stats). */
public final class Version {
    private Version() {}

    public static final String NSQ_VERSION = "1.3.0";
    /** Magic of the client protocol V2. */
    public static final String MAGIC_V2 = "  V2";
    /** Magic of the lookup protocol V1. */
    public static final String MAGIC_V1 = "  V1";
}
