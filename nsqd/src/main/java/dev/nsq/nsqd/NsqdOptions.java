package dev.nsq.nsqd;

import dev.nsq.cluster.ClusterOptions;
import dev.nsq.daemon.DaemonOptions;
import dev.nsq.daemon.flags.FlagSet;

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
    /** Ours: deferred messages keep their due time on disk (a journal per topic and channel), not in memory only. */
    public boolean persistDeferred = false;
    /** Ours: bytes of message bodies one topic or channel may hold (memory, disk, deferred); 0 = unbounded. */
    public long maxBytesPerQueue = 0;

    public long queueScanWorkerPoolMax = 4;
    public long queueScanSelectionCount = 20;
    /** NSQ's QueueScanInterval and QueueScanDirtyPercent, fixed there, flags here (ours). */
    public long queueScanIntervalMs = 100;
    public double queueScanDirtyPercent = 0.25;

    /** Event loops serving TCP and HTTP connections (ours): every core by default. */
    public int eventLoops = Runtime.getRuntime().availableProcessors();

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

    /** Ours: deliveries after which a requeued or timed-out message goes to its dead-letter topic (0 = off). */
    public long maxAttempts = 0;

    /** Ours (docs/replication.md): copies of each replicated topic, leader included; 1 = NSQ's behaviour. */
    public long replicationFactor = 1;
    /** Ours: fewest in-sync copies a publish needs; 0 = 2 when a topic's factor is 2 or more. */
    public long replicationMinInSync = 0;
    /** Ours: how long a follower may leave the leader's stream unanswered before it leaves the in-sync set. */
    public long replicationTimeoutMs = 5_000;

    // TLS (see Tls): cert and key enable the tls_v1 feature and the HTTPS listener
    public String tlsCert = "";
    public String tlsKey = "";
    public String tlsRootCaFile = "";
    /** "", "require" (any client certificate) or "require-verify" (signed by the root CA). */
    public String tlsClientAuthPolicy = "";
    public TlsRequired tlsRequired = TlsRequired.FALSE;
    /** The lowest protocol accepted, in JSSE's naming (TLSv1 = NSQ's tls1.0, its default). */
    public String tlsMinVersion = "TLSv1";

    /** NSQ's --tls-required values: false, true, or tcp-https (TCP must upgrade, HTTP stays plain). */
    public enum TlsRequired { FALSE, TRUE, TCP_HTTPS }

    /** "get" or "post": how the auth server is asked. */
    public String authHttpRequestMethod = "get";

    // compression
    public boolean deflate = true;
    public long maxDeflateLevel = 6;
    public boolean snappy = true;

    // statsd (off unless an address is given)
    public String statsdAddress = "";
    public long statsdIntervalMs = 60_000;
    public boolean statsdMemStats = true;
    public String statsdPrefix = "nsq.%s";
    public long statsdUdpPacketSize = 508;
    public boolean statsdExcludeEphemeral = false;

    // end-to-end processing latency (publish to FIN), off unless percentiles are given
    public List<Double> e2eProcessingLatencyPercentiles = new ArrayList<>();
    public long e2eProcessingLatencyWindowTimeMs = 10 * 60_000;

    /** How often lookupds are pinged (TCP) and re-synced (cluster); NSQ's fixed 15 s, settable for tests. */
    public long lookupPingIntervalMs = 15_000;

    /** Joining the clustered event bus (Hazelcast); off unless members are given. */
    public final ClusterOptions cluster = new ClusterOptions();

    /** NSQ's config-file names that are not the flag name with underscores. */
    private static final Map<String, String> CONFIG_ALIASES = Map.of(
            "nsqlookupd_tcp_addresses", "lookupd-tcp-address",
            "auth_http_addresses", "auth-http-address",
            "e2e_processing_latency_percentiles", "e2e-processing-latency-percentile");

    /** Parses NSQ-style flags. Throws {@link FlagSet.FlagException} with Go's wording on bad input. */
    public static NsqdOptions fromArgs(String... args) {
        NsqdOptions o = new NsqdOptions();
        o.parse(args, CONFIG_ALIASES);
        o.e2eProcessingLatencyPercentiles.sort(java.util.Comparator.reverseOrder()); // NSQ reports them high to low
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
        f.string("auth-http-request-method", authHttpRequestMethod, "HTTP method to use for auth server requests (get or post)", v -> authHttpRequestMethod = v);
        f.duration("http-client-connect-timeout", httpClientConnectTimeoutMs, "timeout for HTTP connect", v -> httpClientConnectTimeoutMs = v);
        f.duration("http-client-request-timeout", httpClientRequestTimeoutMs, "timeout for HTTP request", v -> httpClientRequestTimeoutMs = v);

        f.string("data-path", "", "path to store disk-backed messages", v -> dataPath = v);
        f.integer("mem-queue-size", memQueueSize, "number of messages to keep in memory (per topic/channel)", v -> memQueueSize = v);
        f.integer("max-bytes-per-file", maxBytesPerFile, "number of bytes per diskqueue file before rolling", v -> maxBytesPerFile = v);
        f.integer("sync-every", syncEvery, "number of messages per diskqueue fsync", v -> syncEvery = v);
        f.duration("sync-timeout", syncTimeoutMs, "duration of time per diskqueue fsync", v -> syncTimeoutMs = v);
        f.bool("persist-deferred", persistDeferred, "keep deferred messages (DPUB, REQ with a delay) on disk with their due time: they survive a restart (and kill -9 with --mem-queue-size=0 --sync-every=1) and beyond 10000 per channel leave the heap (default false: in memory, as NSQ)", v -> persistDeferred = v);
        f.integer("max-bytes-per-queue", maxBytesPerQueue, "bytes of message bodies one topic or channel may hold (memory, disk, in flight, deferred); a publish that would pass it is refused (0 = unbounded, as NSQ)", v -> maxBytesPerQueue = v);
        f.integer("queue-scan-worker-pool-max", queueScanWorkerPoolMax, "max concurrency for checking in-flight and deferred message timeouts", v -> queueScanWorkerPoolMax = v);
        f.integer("queue-scan-selection-count", queueScanSelectionCount, "number of channels to check per cycle (every 100ms) for in-flight and deferred timeouts", v -> queueScanSelectionCount = v);
        f.duration("queue-scan-interval", queueScanIntervalMs, "how often a cycle checks in-flight and deferred timeouts", v -> queueScanIntervalMs = v);
        f.string("queue-scan-dirty-percent", String.valueOf(queueScanDirtyPercent), "fraction of checked channels with work (0-1) above which the next cycle starts at once", v -> queueScanDirtyPercent = parseFraction(v));
        f.integer("event-loops", eventLoops, "number of event loops serving TCP and HTTP connections, one per core unless set", v -> eventLoops = v.intValue());

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
        f.integer("max-attempts", maxAttempts, "deliveries after which a message that is requeued or times out goes to the topic <topic>.<channel>.dlq instead (0 = never, as NSQ)", v -> maxAttempts = v);
        f.integer("replication-factor", replicationFactor, "copies of every topic this nsqd creates, each on its own nsqd in the cluster (needs --cluster-members; 1 = not replicated, as NSQ)", v -> replicationFactor = v);
        f.integer("replication-min-in-sync", replicationMinInSync, "fewest in-sync copies of a replicated topic for a publish to be acknowledged (0 = 2 for replicated topics)", v -> replicationMinInSync = v);
        f.duration("replication-timeout", replicationTimeoutMs, "time after which a follower that does not answer its leader leaves the in-sync set", v -> replicationTimeoutMs = v);
        f.integer("max-channel-consumers", maxChannelConsumers, "maximum channel consumer connection count per nsqd instance (default 0, i.e., unlimited)", v -> maxChannelConsumers = v);

        f.string("tls-cert", "", "path to certificate file", v -> tlsCert = v);
        f.string("tls-key", "", "path to key file", v -> tlsKey = v);
        f.string("tls-client-auth-policy", "", "client certificate auth policy ('require' or 'require-verify')", v -> tlsClientAuthPolicy = v);
        f.string("tls-root-ca-file", "", "path to certificate authority file", v -> tlsRootCaFile = v);
        // boolean-like, as NSQ's: a bare --tls-required means true
        f.boolOrString("tls-required", "false", "require TLS for client connections (true, false, tcp-https)", v -> tlsRequired = parseTlsRequired(v));
        f.string("tls-min-version", "tls1.0", "minimum SSL/TLS version acceptable ('ssl3.0', 'tls1.0', 'tls1.1', 'tls1.2' or 'tls1.3')", v -> tlsMinVersion = parseTlsMinVersion(v));

        f.bool("deflate", deflate, "enable deflate feature negotiation (client compression)", v -> deflate = v);
        f.integer("max-deflate-level", maxDeflateLevel, "max deflate compression level a client can negotiate (> values == > nsqd CPU usage)", v -> maxDeflateLevel = v);
        f.bool("snappy", snappy, "enable snappy feature negotiation (client compression)", v -> snappy = v);
        f.string("statsd-address", "", "UDP <addr>:<port> of a statsd daemon for pushing stats", v -> statsdAddress = v);
        f.duration("statsd-interval", statsdIntervalMs, "duration between pushing to statsd", v -> statsdIntervalMs = v);
        f.bool("statsd-mem-stats", true, "toggle sending memory and GC stats to statsd", v -> statsdMemStats = v);
        f.string("statsd-prefix", statsdPrefix, "prefix used for keys sent to statsd (%s for host replacement)", v -> statsdPrefix = v);
        f.integer("statsd-udp-packet-size", statsdUdpPacketSize, "the size in bytes of statsd UDP packets", v -> statsdUdpPacketSize = v);
        f.bool("statsd-exclude-ephemeral", false, "Skip ephemeral topics and channels when sending stats to statsd", v -> statsdExcludeEphemeral = v);
        f.list("e2e-processing-latency-percentile", "message processing time percentiles (as float (0, 1.0]) to track (can be specified multiple times or comma separated '1.0,0.99,0.95', default none)",
                v -> { for (String q : v.split(",")) if (!q.isBlank()) e2eProcessingLatencyPercentiles.add(percentile(q.trim())); });
        f.duration("e2e-processing-latency-window-time", e2eProcessingLatencyWindowTimeMs, "calculate end to end latency quantiles for this duration of time (ie: 60s would only show quantile calculations from the past 60 seconds)",
                v -> e2eProcessingLatencyWindowTimeMs = v);
        cluster.addFlags(f);
        return f;
    }

    private static double percentile(String v) {
        double q;
        try {
            q = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new FlagSet.FlagException("invalid value \"" + v + "\" for flag -e2e-processing-latency-percentile: parse error");
        }
        if (!(q > 0 && q <= 1)) {
            throw new FlagSet.FlagException("invalid value \"" + v + "\" for flag -e2e-processing-latency-percentile: Invalid percentile: " + v);
        }
        return q;
    }

    /** NSQ's startup checks, with messages that name the flag. */
    public void validate() {
        if (nodeId < 0 || nodeId >= 1024) throw new FlagSet.FlagException("--node-id must be [0,1024)");
        if (maxDeflateLevel < 1 || maxDeflateLevel > 9) throw new FlagSet.FlagException("--max-deflate-level must be [1,9]");
        if (!authHttpRequestMethod.equals("get") && !authHttpRequestMethod.equals("post"))
            throw new FlagSet.FlagException("--auth-http-request-method must be 'get' or 'post'");
        if (!tlsClientAuthPolicy.isEmpty() && !tlsClientAuthPolicy.equals("require") && !tlsClientAuthPolicy.equals("require-verify"))
            throw new FlagSet.FlagException("--tls-client-auth-policy must be 'require' or 'require-verify'");
        // NSQ: asking for client certificates implies TLS is required
        if (!tlsClientAuthPolicy.isEmpty() && tlsRequired == TlsRequired.FALSE) tlsRequired = TlsRequired.TRUE;
        if (!tlsEnabled() && tlsRequired != TlsRequired.FALSE)
            throw new FlagSet.FlagException("cannot require TLS client connections without TLS key and cert");
        if (memQueueSize < 0) throw new FlagSet.FlagException("--mem-queue-size must be >= 0");
        if (maxMsgSize <= 0) throw new FlagSet.FlagException("--max-msg-size must be > 0");
        if (maxBodySize <= 0) throw new FlagSet.FlagException("--max-body-size must be > 0");
        if (maxBytesPerQueue < 0) throw new FlagSet.FlagException("--max-bytes-per-queue must be >= 0");
        if (maxAttempts < 0 || maxAttempts > 65535) throw new FlagSet.FlagException("--max-attempts must be [0,65535]");
        if (replicationFactor < 1 || replicationFactor > 16) throw new FlagSet.FlagException("--replication-factor must be [1,16]");
        if (replicationMinInSync < 0) throw new FlagSet.FlagException("--replication-min-in-sync must be >= 0");
        if (replicationFactor > 1 && !cluster.enabled())
            throw new FlagSet.FlagException("--replication-factor > 1 needs cluster mode (--cluster-members)");
        if (eventLoops < 1) throw new FlagSet.FlagException("--event-loops must be >= 1");
        if (queueScanIntervalMs <= 0) throw new FlagSet.FlagException("--queue-scan-interval must be > 0");
        if (queueScanWorkerPoolMax < 1) throw new FlagSet.FlagException("--queue-scan-worker-pool-max must be >= 1");
    }

    /** NSQ builds a TLS config (tls_v1 and HTTPS offered) when a cert or key is given. */
    public boolean tlsEnabled() { return !tlsCert.isEmpty() || !tlsKey.isEmpty(); }

    static TlsRequired parseTlsRequired(String v) {
        String s = v.toLowerCase(java.util.Locale.ROOT);
        if (s.equals("tcp-https")) return TlsRequired.TCP_HTTPS;
        try {
            return FlagSetBools.parse(s) ? TlsRequired.TRUE : TlsRequired.FALSE;
        } catch (IllegalArgumentException e) {
            throw new FlagSet.FlagException("invalid value \"" + v + "\" for flag -tls-required: parse error");
        }
    }

    /** NSQ's names to JSSE's; SSLv3 is refused (Go's TLS stack and the JDK's no longer speak it). */
    static String parseTlsMinVersion(String v) {
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "", "tls1.0" -> "TLSv1";
            case "tls1.1" -> "TLSv1.1";
            case "tls1.2" -> "TLSv1.2";
            case "tls1.3" -> "TLSv1.3";
            default -> throw new FlagSet.FlagException("invalid value \"" + v + "\" for flag -tls-min-version: unknown tlsVersionOption \"" + v + "\"");
        };
    }

    /** Go's strconv.ParseBool words. */
    private static final class FlagSetBools {
        static boolean parse(String s) {
            return switch (s) {
                case "1", "t", "true" -> true;
                case "0", "f", "false" -> false;
                default -> throw new IllegalArgumentException(s);
            };
        }
    }

    /**
     * The OS hostname, looked up once when this class loads (on the thread that reads the flags):
     * /info and every lookupd IDENTIFY need it, and a lookup on an event loop can block on DNS.
     */
    private static final String HOSTNAME = lookupHostname();

    static String hostname() { return HOSTNAME; }

    private static String lookupHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    private static double parseFraction(String v) {
        double d = Double.parseDouble(v);
        if (!(d >= 0 && d <= 1)) throw new IllegalArgumentException(v);
        return d;
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
