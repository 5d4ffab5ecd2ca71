package dev.nsq.client;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Settings for producers and consumers, named after go-nsq's Config so {@code --consumer-opt} and
 * {@code --producer-opt} keys mean the same thing. Durations are in milliseconds. Read once when a
 * producer or consumer starts; change a copy, not a live one.
 */
public final class ClientConfig {
    public static final String USER_AGENT = "nsq-java/" + dev.nsq.protocol.Version.NSQ_VERSION;

    // identity sent in IDENTIFY
    public String clientId = shortHostname();
    public String hostname = longHostname();
    public String userAgent = USER_AGENT;

    // connection
    public long dialTimeoutMs = 1_000;
    /** No byte from nsqd for this long closes the connection (nsqd heartbeats every heartbeatIntervalMs). */
    public long readTimeoutMs = 60_000;
    public long heartbeatIntervalMs = 30_000;
    public long outputBufferSize = 16_384;
    public long outputBufferTimeoutMs = 250;
    /** 0 = nsqd's --msg-timeout. */
    public long msgTimeoutMs = 0;
    public int sampleRate = 0;
    /** Sent with AUTH when nsqd says auth is required; null = none (then such an nsqd is refused). */
    public String authSecret;

    // upgrades asked for in IDENTIFY, as go-nsq's tls_v1, snappy, deflate and deflate_level
    public boolean tlsV1;
    /** With {@link #tlsV1}: PEM file of the CA(s) to trust; empty: the JVM's default trust store. */
    public String tlsRootCaFile = "";
    /** With {@link #tlsV1}: accept any certificate and name (go-nsq's tls_insecure_skip_verify). */
    public boolean tlsInsecureSkipVerify;
    /** With {@link #tlsV1}: a client certificate and its key (PEM), for nsqd's --tls-client-auth-policy. */
    public String tlsCert = "";
    public String tlsKey = "";
    public boolean snappy;
    public boolean deflate;
    public int deflateLevel = 6;

    // producer
    /** Commands in flight on one producer connection before further publishes wait for a reply. */
    public int publishWindow = 64;

    // consumer
    public int maxInFlight = 1;
    /** 0 = never give up; otherwise a message delivered more than this many times goes to the give-up hook and is FINed. */
    public int maxAttempts = 5;
    public long lookupdPollIntervalMs = 60_000;
    /** The periodic lookupd poll starts after a random fraction (up to this) of the interval, so restarted consumers spread out. */
    public double lookupdPollJitter = 0.3;
    public long defaultRequeueDelayMs = 90_000;
    public long maxRequeueDelayMs = 15 * 60_000;
    public long backoffMultiplierMs = 1_000;
    public long maxBackoffDurationMs = 2 * 60_000;
    /** How often RDY is moved between connections when max_in_flight is smaller than the connection count. */
    public long rdyRedistributeIntervalMs = 5_000;
    /** Reconnect delay for nsqd addresses given directly (lookupd-found ones come back with the next poll). */
    public long reconnectDelayMs = 15_000;
    /** Worker threads running a blocking {@link MessageHandler}. */
    public int handlerConcurrency = 1;
    /** How long {@link Consumer#stop()} waits for in-flight messages before closing anyway. */
    public long stopTimeoutMs = 30_000;

    public ClientConfig copy() {
        ClientConfig c = new ClientConfig();
        c.clientId = clientId; c.hostname = hostname; c.userAgent = userAgent;
        c.dialTimeoutMs = dialTimeoutMs; c.readTimeoutMs = readTimeoutMs;
        c.heartbeatIntervalMs = heartbeatIntervalMs; c.outputBufferSize = outputBufferSize;
        c.outputBufferTimeoutMs = outputBufferTimeoutMs; c.msgTimeoutMs = msgTimeoutMs; c.sampleRate = sampleRate;
        c.authSecret = authSecret;
        c.tlsV1 = tlsV1; c.tlsRootCaFile = tlsRootCaFile; c.tlsInsecureSkipVerify = tlsInsecureSkipVerify;
        c.tlsCert = tlsCert; c.tlsKey = tlsKey;
        c.snappy = snappy; c.deflate = deflate; c.deflateLevel = deflateLevel;
        c.publishWindow = publishWindow; c.maxInFlight = maxInFlight; c.maxAttempts = maxAttempts;
        c.lookupdPollIntervalMs = lookupdPollIntervalMs; c.lookupdPollJitter = lookupdPollJitter; c.defaultRequeueDelayMs = defaultRequeueDelayMs;
        c.maxRequeueDelayMs = maxRequeueDelayMs; c.backoffMultiplierMs = backoffMultiplierMs;
        c.maxBackoffDurationMs = maxBackoffDurationMs; c.rdyRedistributeIntervalMs = rdyRedistributeIntervalMs;
        c.reconnectDelayMs = reconnectDelayMs; c.handlerConcurrency = handlerConcurrency; c.stopTimeoutMs = stopTimeoutMs;
        return c;
    }

    /**
     * Applies one go-nsq option by its config name ({@code max_in_flight}, {@code heartbeat_interval},
     * ...), durations in Go's form ("5s"). Used by the tools' {@code --consumer-opt}/{@code --producer-opt}.
     */
    public void set(String key, String value) {
        switch (key) {
            case "client_id" -> clientId = value;
            case "hostname" -> hostname = value;
            case "user_agent" -> userAgent = value;
            case "dial_timeout" -> dialTimeoutMs = dur(value);
            case "read_timeout" -> readTimeoutMs = dur(value);
            case "heartbeat_interval" -> heartbeatIntervalMs = dur(value);
            case "output_buffer_size" -> outputBufferSize = Long.parseLong(value);
            case "output_buffer_timeout" -> outputBufferTimeoutMs = dur(value);
            case "msg_timeout" -> msgTimeoutMs = dur(value);
            case "sample_rate" -> sampleRate = Integer.parseInt(value);
            case "auth_secret" -> authSecret = value;
            case "max_in_flight" -> maxInFlight = Integer.parseInt(value);
            case "max_attempts" -> maxAttempts = Integer.parseInt(value);
            case "lookupd_poll_interval" -> lookupdPollIntervalMs = dur(value);
            case "lookupd_poll_jitter" -> lookupdPollJitter = Double.parseDouble(value);
            case "default_requeue_delay" -> defaultRequeueDelayMs = dur(value);
            case "max_requeue_delay" -> maxRequeueDelayMs = dur(value);
            case "backoff_multiplier" -> backoffMultiplierMs = dur(value);
            case "max_backoff_duration" -> maxBackoffDurationMs = dur(value);
            case "rdy_redistribute_interval" -> rdyRedistributeIntervalMs = dur(value);
            case "publish_window" -> publishWindow = Integer.parseInt(value);
            case "tls_v1" -> tlsV1 = Boolean.parseBoolean(value);
            case "tls_root_ca_file" -> tlsRootCaFile = value;
            case "tls_insecure_skip_verify" -> tlsInsecureSkipVerify = Boolean.parseBoolean(value);
            case "tls_cert" -> tlsCert = value;
            case "tls_key" -> tlsKey = value;
            case "snappy" -> snappy = Boolean.parseBoolean(value);
            case "deflate" -> deflate = Boolean.parseBoolean(value);
            case "deflate_level" -> deflateLevel = Integer.parseInt(value);
            default -> throw new IllegalArgumentException("unknown option " + key);
        }
    }

    private static long dur(String v) { return dev.nsq.protocol.GoDuration.parseMillis(v); }

    private static String longHostname() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static String shortHostname() {
        String h = longHostname();
        int dot = h.indexOf('.');
        return dot > 0 ? h.substring(0, dot) : h;
    }
}
