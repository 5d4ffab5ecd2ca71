package dev.nsq.nsqlookupd;

import dev.nsq.protocol.json.LookupdProducer;

/**
 * An nsqd as it identified itself, shared by all its registrations. {@code id} is what its
 * registrations are filed under: the remote address of its V1 connection, or {@code cluster:<node id>}
 * for a node registered over the clustered event bus. Only {@link #lastUpdateNs} changes (PING,
 * heartbeat), from any thread.
 */
final class PeerInfo {
    final String id;
    final String remoteAddress;
    final String hostname;
    final String broadcastAddress;
    final int tcpPort;
    final int httpPort;
    final String version;
    private volatile long lastUpdateNs = Clock.nowNs();

    PeerInfo(String id, String remoteAddress, String hostname, String broadcastAddress, int tcpPort, int httpPort, String version) {
        this.id = id;
        this.remoteAddress = remoteAddress;
        this.hostname = hostname == null ? "" : hostname;
        this.broadcastAddress = broadcastAddress;
        this.tcpPort = tcpPort;
        this.httpPort = httpPort;
        this.version = version;
    }

    void touch() { lastUpdateNs = Clock.nowNs(); }

    long lastUpdateNs() { return lastUpdateNs; }

    /** Which nsqd this is, whichever path it registered by: the address consumers connect to. */
    String addressKey() { return broadcastAddress + ":" + tcpPort + ":" + httpPort; }

    boolean sameAddresses(PeerInfo o) {
        return o.hostname.equals(hostname) && o.broadcastAddress.equals(broadcastAddress)
                && o.tcpPort == tcpPort && o.httpPort == httpPort && o.version.equals(version);
    }

    LookupdProducer toJson() {
        return new LookupdProducer(remoteAddress, hostname, broadcastAddress, tcpPort, httpPort, version);
    }

    @Override
    public String toString() { return id; }
}
