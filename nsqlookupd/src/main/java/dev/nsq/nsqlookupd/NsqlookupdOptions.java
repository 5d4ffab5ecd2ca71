package dev.nsq.nsqlookupd;

import dev.nsq.cluster.ClusterOptions;
import dev.nsq.daemon.DaemonOptions;
import dev.nsq.daemon.flags.FlagSet;
import dev.nsq.daemon.logging.LogLevel;

import java.net.InetAddress;
import java.util.Map;

/**
 * Everything nsqlookupd can be told, with NSQ 1.3's flag names and defaults (durations in
 * milliseconds, the {@code Ms} suffix), plus the cluster flags. Built once by {@link #fromArgs}
 * (flag > {@code --config} file > default) or by a test, then only read.
 */
public final class NsqlookupdOptions extends DaemonOptions {
    public static final long DEFAULT_INACTIVE_PRODUCER_TIMEOUT_MS = 300_000;
    public static final long DEFAULT_TOMBSTONE_LIFETIME_MS = 45_000;

    public String tcpAddress = "0.0.0.0:4160";
    public String httpAddress = "0.0.0.0:4161";
    public String broadcastAddress = hostname();
    public long inactiveProducerTimeoutMs = DEFAULT_INACTIVE_PRODUCER_TIMEOUT_MS;
    public long tombstoneLifetimeMs = DEFAULT_TOMBSTONE_LIFETIME_MS;

    /** Joining the clustered event bus (Hazelcast); off unless members are given. */
    public final ClusterOptions cluster = new ClusterOptions();

    /** Parses NSQ-style flags, then the config file. Throws {@link FlagSet.FlagException} with Go's wording. */
    public static NsqlookupdOptions fromArgs(String... args) {
        NsqlookupdOptions o = new NsqlookupdOptions();
        o.parse(args, Map.of());
        o.cluster.applyEnvironment();
        o.validate();
        return o;
    }

    public NsqlookupdOptions() { super("[nsqlookupd] "); }

    @Override
    public FlagSet flagSet() {
        FlagSet f = new FlagSet("nsqlookupd");
        basicFlags(f);
        f.string("tcp-address", tcpAddress, "<addr>:<port> to listen on for TCP clients", v -> tcpAddress = v);
        f.string("http-address", httpAddress, "<addr>:<port> to listen on for HTTP clients", v -> httpAddress = v);
        f.string("broadcast-address", broadcastAddress, "address of this lookupd node, (default to the OS hostname)", v -> broadcastAddress = v);
        f.duration("inactive-producer-timeout", inactiveProducerTimeoutMs, "duration of time a producer will remain in the active list since its last ping", v -> inactiveProducerTimeoutMs = v);
        f.duration("tombstone-lifetime", tombstoneLifetimeMs, "duration of time a producer will remain tombstoned if registration remains", v -> tombstoneLifetimeMs = v);
        cluster.addFlags(f);
        return f;
    }

    /** Startup checks, with messages that name the flag. */
    public void validate() {
        if (!LogLevel.isValid(logLevel)) throw new FlagSet.FlagException("invalid log level " + logLevel);
        if (inactiveProducerTimeoutMs <= 0) throw new FlagSet.FlagException("--inactive-producer-timeout must be > 0");
        if (tombstoneLifetimeMs < 0) throw new FlagSet.FlagException("--tombstone-lifetime must be >= 0");
    }

    static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
