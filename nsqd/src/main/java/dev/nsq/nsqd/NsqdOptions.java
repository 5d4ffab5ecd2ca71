package dev.nsq.nsqd;

import dev.nsq.cluster.ClusterOptions;
import dev.nsq.daemon.DaemonOptions;
import dev.nsq.protocol.flags.FlagSet;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Everything nsqd can be told, with NSQ 1.3's flag names and defaults. Durations are milliseconds
 * (the {@code Ms} suffix); sizes are bytes. One instance is built by {@link #fromArgs} (or by a
 * test) and then only read.
 */
public final class NsqdOptions extends DaemonOptions {
    // basic
    public long nodeId = defaultNodeId();
    public String tcpAddress = "0.0.0.0:4150";
    public String httpAddress = "0.0.0.0:4151";
    public String httpsAddress = "0.0.0.0:4152";
    public String broadcastAddress = hostname();
    public int broadcastTcpPort = 0;
    public int broadcastHttpPort = 0;
    public List<String> lookupdTcpAddresses = new ArrayList<>();
    public List<String> authHttpAddresses = new ArrayList<>();
    public long httpClientConnectTimeoutMs = 2_000;
    public long httpClientRequestTimeoutMs = 5_000;

    // disk queue
    public String dataPath = "";
    public long memQueueSize = 10_000;
    public long maxBytesPerFile = 100L * 1024 * 1024;
    public long syncEvery = 2_500;
    public long syncTimeoutMs = 2_000;

    public long queueScanWorkerPoolMax = 4;
    public long queueScanSelectionCount = 20;

    // message and command limits
    public long msgTimeoutMs = 60_000;
    public long maxMsgTimeoutMs = 15 * 60_000;
    public long maxMsgSize = 1_048_576;
    public long maxBodySize = 5_242_880;
    public long maxReqTimeoutMs = 60 * 60_000;
    public long clientTimeoutMs = 60_000;

    // client overridable limits
    public long maxHeartbeatIntervalMs = 60_000;
    public long maxRdyCount = 2_500;
    public long maxOutputBufferSize = 65_536;
    public long maxOutputBufferTimeoutMs = 30_000;
    public long minOutputBufferTimeoutMs = 25;
    public long outputBufferTimeoutMs = 250;
    public long maxChannelConsumers = 0;

    // compression (negotiation comes in a later issue; flags accepted now so deploy files parse)
    public boolean deflate = true;
    public long maxDeflateLevel = 6;
    public boolean snappy = true;

    /** How often lookupds are pinged (TCP) and re-synced (cluster); NSQ's fixed 15 s, settable for tests. */
    public long lookupPingIntervalMs = 15_000;

    /** Joining the clustered event bus (Hazelcast); off unless members are given. */
    public final ClusterOptions cluster = new ClusterOptions();

    /** NSQ's config-file names that are not the flag name with underscores. */
    private static final Map<String, String> CONFIG_ALIASES = Map.of(
            "nsqlookupd_tcp_addresses", "lookupd-tcp-address",
            "auth_http_addresses", "auth-http-address");

    /** Parses NSQ-style flags. Throws {@link FlagSet.FlagException} with Go's wording on bad input. */
    public static NsqdOptions fromArgs(String... args) {
        NsqdOptions o = new NsqdOptions();
        o.parse(args, CONFIG_ALIASES);
        o.cluster.applyEnvironment();
        o.validate();
        return o;
    }

    public NsqdOptions() { super("[nsqd] "); }

    @Override
    public FlagSet flagSet() {
        FlagSet f = new FlagSet("nsqd");
        basicFlags(f);
        f.integer("node-id", nodeId, "unique part for message IDs, (int) in range [0,1024) (default is hash of hostname)", v -> nodeId = v);
        f.integer("worker-id", nodeId, "[deprecated] use --node-id", v -> nodeId = v);
        f.string("https-address", httpsAddress, "<addr>:<port> to listen on for HTTPS clients", v -> httpsAddress = v);
        f.string("http-address", httpAddress, "<addr>:<port> to listen on for HTTP clients", v -> httpAddress = v);
        f.string("tcp-address", tcpAddress, "<addr>:<port> to listen on for TCP clients", v -> tcpAddress = v);
        f.string("broadcast-address", broadcastAddress, "address that will be registered with lookupd (defaults to the OS hostname)", v -> broadcastAddress = v);
        f.integer("broadcast-tcp-port", 0, "TCP port that will be registered with lookupd (defaults to the TCP port that this nsqd is listening on)", v -> broadcastTcpPort = v.intValue());
        f.integer("broadcast-http-port", 0, "HTTP port that will be registered with lookupd (defaults to the HTTP port that this nsqd is listening on)", v -> broadcastHttpPort = v.intValue());
        f.list("lookupd-tcp-address", "lookupd TCP address (may be given multiple times)", lookupdTcpAddresses::add);
        f.list("auth-http-address", "<addr>:<port> or a full url to query auth server (may be given multiple times)", authHttpAddresses::add);
        f.duration("http-client-connect-timeout", httpClientConnectTimeoutMs, "timeout for HTTP connect", v -> httpClientConnectTimeoutMs = v);
        f.duration("http-client-request-timeout", httpClientRequestTimeoutMs, "timeout for HTTP request", v -> httpClientRequestTimeoutMs = v);

        f.string("data-path", "", "path to store disk-backed messages", v -> dataPath = v);
        f.integer("mem-queue-size", memQueueSize, "number of messages to keep in memory (per topic/channel)", v -> memQueueSize = v);
        f.integer("max-bytes-per-file", maxBytesPerFile, "number of bytes per diskqueue file before rolling", v -> maxBytesPerFile = v);
        f.integer("sync-every", syncEvery, "number of messages per diskqueue fsync", v -> syncEvery = v);
        f.duration("sync-timeout", syncTimeoutMs, "duration of time per diskqueue fsync", v -> syncTimeoutMs = v);
        f.integer("queue-scan-worker-pool-max", queueScanWorkerPoolMax, "max concurrency for checking in-flight and deferred message timeouts", v -> queueScanWorkerPoolMax = v);
        f.integer("queue-scan-selection-count", queueScanSelectionCount, "number of channels to check per cycle (every 100ms) for in-flight and deferred timeouts", v -> queueScanSelectionCount = v);

        f.duration("msg-timeout", msgTimeoutMs, "default duration to wait before auto-requeing a message", v -> msgTimeoutMs = v);
        f.duration("max-msg-timeout", maxMsgTimeoutMs, "maximum duration before a message will timeout", v -> maxMsgTimeoutMs = v);
        f.integer("max-msg-size", maxMsgSize, "maximum size of a single message in bytes", v -> maxMsgSize = v);
        f.duration("max-req-timeout", maxReqTimeoutMs, "maximum requeuing timeout for a message", v -> maxReqTimeoutMs = v);
        f.integer("max-body-size", maxBodySize, "maximum size of a single command body", v -> maxBodySize = v);

        f.duration("max-heartbeat-interval", maxHeartbeatIntervalMs, "maximum client configurable duration of time between client heartbeats", v -> maxHeartbeatIntervalMs = v);
        f.integer("max-rdy-count", maxRdyCount, "maximum RDY count for a client", v -> maxRdyCount = v);
        f.integer("max-output-buffer-size", maxOutputBufferSize, "maximum client configurable size (in bytes) for a client output buffer", v -> maxOutputBufferSize = v);
        f.duration("max-output-buffer-timeout", maxOutputBufferTimeoutMs, "maximum client configurable duration of time between flushing to a client", v -> maxOutputBufferTimeoutMs = v);
        f.duration("min-output-buffer-timeout", minOutputBufferTimeoutMs, "minimum client configurable duration of time between flushing to a client", v -> minOutputBufferTimeoutMs = v);
        f.duration("output-buffer-timeout", outputBufferTimeoutMs, "default duration of time between flushing data to clients", v -> outputBufferTimeoutMs = v);
        f.integer("max-channel-consumers", maxChannelConsumers, "maximum channel consumer connection count per nsqd instance (default 0, i.e., unlimited)", v -> maxChannelConsumers = v);

        f.bool("deflate", deflate, "enable deflate feature negotiation (client compression)", v -> deflate = v);
        f.integer("max-deflate-level", maxDeflateLevel, "max deflate compression level a client can negotiate (> values == > nsqd CPU usage)", v -> maxDeflateLevel = v);
        f.bool("snappy", snappy, "enable snappy feature negotiation (client compression)", v -> snappy = v);
        cluster.addFlags(f);
        return f;
    }

    /** NSQ's startup checks, with messages that name the flag. */
    public void validate() {
        if (nodeId < 0 || nodeId >= 1024) throw new FlagSet.FlagException("--node-id must be [0,1024)");
        if (maxDeflateLevel < 1 || maxDeflateLevel > 9) throw new FlagSet.FlagException("--max-deflate-level must be [1,9]");
        if (memQueueSize < 0) throw new FlagSet.FlagException("--mem-queue-size must be >= 0");
        if (maxMsgSize <= 0) throw new FlagSet.FlagException("--max-msg-size must be > 0");
        if (maxBodySize <= 0) throw new FlagSet.FlagException("--max-body-size must be > 0");
    }

    static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    /** NSQ's default: crc32(md5(hostname)) % 1024. */
    static long defaultNodeId() {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(hostname().getBytes(StandardCharsets.UTF_8));
            CRC32 crc = new CRC32();
            crc.update(md5);
            return crc.getValue() % 1024;
        } catch (Exception e) {
            return 0;
        }
    }
}
