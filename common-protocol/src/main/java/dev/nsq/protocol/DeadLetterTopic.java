package dev.nsq.protocol;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The name of a channel's dead-letter topic (nsqd's --max-attempts, ours): where nsqd publishes
 * the messages of channel C of topic T that used up their attempts. nsqd names the topic and
 * nsqadmin links to it, so the rule lives here once.
 */
public final class DeadLetterTopic {
    private DeadLetterTopic() {}

    public static final String SUFFIX = ".dlq";
    /** Hex digits of the CRC-32 that keeps truncated names distinct. */
    private static final int HASH_CHARS = 8;

    /**
     * {@code T.C.dlq}. An {@code #ephemeral} topic or channel gets an ephemeral dead-letter topic,
     * {@code T.C.dlq#ephemeral} (the suffix taken off T and C, where it would make the name
     * invalid), so what never touched disk does not start to. A name longer than 64 characters
     * keeps the start of {@code T.C}, then {@code -} and the CRC-32 (8 hex digits) of the full
     * {@code T:C}, then the suffix: exactly 64 characters, and two channels whose names share the
     * kept start still get different topics.
     */
    public static String of(String topic, String channel) {
        boolean ephemeral = Names.isEphemeral(topic) || Names.isEphemeral(channel);
        String base = strip(topic) + "." + strip(channel);
        String suffix = SUFFIX + (ephemeral ? Names.EPHEMERAL_SUFFIX : "");
        if (base.length() + suffix.length() <= Names.MAX_LENGTH) return base + suffix;
        CRC32 crc = new CRC32();
        crc.update((topic + ":" + channel).getBytes(StandardCharsets.UTF_8));
        String hash = String.format("%08x", crc.getValue());
        int keep = Names.MAX_LENGTH - suffix.length() - 1 - HASH_CHARS;
        return base.substring(0, keep) + "-" + hash + suffix;
    }

    private static String strip(String name) {
        return Names.isEphemeral(name) ? name.substring(0, name.length() - Names.EPHEMERAL_SUFFIX.length()) : name;
    }
}
