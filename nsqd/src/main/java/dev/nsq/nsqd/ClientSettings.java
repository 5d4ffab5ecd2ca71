package dev.nsq.nsqd;

import javax.net.ssl.SSLSession;

/**
 * What a client's IDENTIFY negotiated (and the upgrades that followed it), with NSQ's defaults
 * until then. Written only on the connection's event loop, while IDENTIFY is handled; volatile
 * because channels (sample rate, msg timeout) and /stats read them from other threads.
 */
final class ClientSettings {
    volatile String clientId;
    volatile String hostname;
    volatile String userAgent = "";
    volatile long heartbeatIntervalMs;
    volatile long outputBufferSize = 16 * 1024;
    volatile long outputBufferTimeoutMs;
    volatile long msgTimeoutMs;
    volatile int sampleRate;
    volatile boolean identified;

    // upgrades negotiated by IDENTIFY (for /stats and the auth server's tls parameter)
    volatile boolean tls;
    volatile boolean snappy;
    volatile boolean deflate;
    volatile int deflateLevel;
    /** The TLS session once the handshake is done; null on a plain connection. */
    volatile SSLSession tlsSession;

    ClientSettings(String remoteIp, NsqdOptions options) {
        this.clientId = remoteIp;
        this.hostname = remoteIp;
        this.heartbeatIntervalMs = options.clientTimeoutMs / 2;
        this.outputBufferTimeoutMs = options.outputBufferTimeoutMs;
        this.msgTimeoutMs = options.msgTimeoutMs;
    }
}
