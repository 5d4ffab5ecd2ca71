package dev.nsq.nsqlookupd;

/**
 * A key of the registration database (NSQ's Registration): category {@code client} (every identified
 * peer), {@code topic} (key = topic) or {@code channel} (key = topic, subKey = channel).
 */
record Registration(String category, String key, String subKey) {
    static final String CLIENT = "client";
    static final String TOPIC = "topic";
    static final String CHANNEL = "channel";
    /** Matches any key or subKey in a query. */
    static final String ANY = "*";

    static final Registration CLIENTS = new Registration(CLIENT, "", "");

    static Registration topic(String topic) { return new Registration(TOPIC, topic, ""); }

    static Registration channel(String topic, String channel) { return new Registration(CHANNEL, topic, channel); }

    boolean matches(String category, String key, String subKey) {
        return this.category.equals(category)
                && (ANY.equals(key) || this.key.equals(key))
                && (ANY.equals(subKey) || this.subKey.equals(subKey));
    }

    /** The {@code /debug} key. */
    String debugKey() { return category + ":" + key + ":" + subKey; }
}
