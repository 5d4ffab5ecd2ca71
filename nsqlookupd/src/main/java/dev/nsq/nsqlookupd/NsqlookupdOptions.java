package dev.nsq.nsqlookupd;

import dev.nsq.cluster.ClusterOptions;

/** Skeleton: nsqlookupd's flags with NSQ's names and defaults (filled in with the module). */
public final class NsqlookupdOptions {
    public String logLevel = "info";
    public String tcpAddress = "0.0.0.0:4160";
    public String httpAddress = "0.0.0.0:4161";
    public String broadcastAddress = "localhost";
    public long inactiveProducerTimeoutMs = 300_000;
    public long tombstoneLifetimeMs = 45_000;
    public final ClusterOptions cluster = new ClusterOptions();
}
