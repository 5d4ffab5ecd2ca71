package dev.nsq.nsqadmin;

import dev.nsq.daemon.DaemonOptions;
import dev.nsq.daemon.flags.FlagSet;
import dev.nsq.daemon.logging.LogLevel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything nsqadmin can be told, with NSQ 1.3's flag names and defaults (durations in
 * milliseconds, the {@code Ms} suffix). Built once by {@link #fromArgs} or by a test; afterwards
 * only {@code PUT /config/...} changes the lookupd list and the log level, through {@link Nsqadmin}.
 */
public final class NsqadminOptions extends DaemonOptions {
    public static final String DEFAULT_HTTP_ADDRESS = "0.0.0.0:4171";
    public static final long DEFAULT_SAMPLE_INTERVAL_MS = 2_000;
    public static final long DEFAULT_HISTORY_MS = 10 * 60_000;

    // basic (help, version, config, log level and prefix: DaemonOptions)
    public String httpAddress = DEFAULT_HTTP_ADDRESS;
    public String basePath = "/";
    public String devStaticDir = "";

    // where the cluster is found: exactly one of the two lists
    public List<String> lookupdHttpAddresses = new ArrayList<>();
    public List<String> nsqdHttpAddresses = new ArrayList<>();

    // graphite (optional; our own graphs need none of it)
    public String graphiteUrl = "";
    public boolean proxyGraphite = false;
    public String statsdCounterFormat = "stats.counters.%s.count";
    public String statsdGaugeFormat = "stats.gauges.%s";
    public String statsdPrefix = "nsq.%s";
    public long statsdIntervalMs = 60_000;

    // admin actions
    public String notificationHttpEndpoint = "";
    public List<String> adminUsers = new ArrayList<>();
    public String aclHttpHeader = "X-Forwarded-User";
    public String allowConfigFromCidr = "127.0.0.1/8";

    // HTTP client towards nsqd and nsqlookupd
    public long httpClientConnectTimeoutMs = 2_000;
    public long httpClientRequestTimeoutMs = 5_000;
    public boolean httpClientTlsInsecureSkipVerify = false;
    public String httpClientTlsRootCaFile = "";
    public String httpClientTlsCert = "";
    public String httpClientTlsKey = "";

    // ours: the live view's sampling of every nsqd's /stats, which the rate graphs are drawn from
    public long statsSampleIntervalMs = DEFAULT_SAMPLE_INTERVAL_MS;
    public long statsHistoryMs = DEFAULT_HISTORY_MS;

    /** Config-file names that are not simply the flag name with '_' for '-' (NSQ's cfg tags). */
    static final Map<String, String> CFG_ALIASES = Map.of(
            "nsqlookupd_http_addresses", "lookupd-http-address",
            "nsqd_http_addresses", "nsqd-http-address",
            "admin_users", "admin-user");

    /** Parses NSQ-style flags, then {@code --config} for the flags not given. Throws {@link FlagSet.FlagException}. */
    public static NsqadminOptions fromArgs(String... args) {
        NsqadminOptions o = new NsqadminOptions();
        o.parse(args, CFG_ALIASES);
        if (!o.showHelp && !o.showVersion) o.validate();
        return o;
    }

    public NsqadminOptions() { super("[nsqadmin] "); }

    @Override
    public FlagSet flagSet() {
        FlagSet f = new FlagSet("nsqadmin");
        basicFlags(f);
        f.string("http-address", DEFAULT_HTTP_ADDRESS, "<addr>:<port> to listen on for HTTP clients", v -> httpAddress = v);
        f.string("base-path", "/", "URL base path", v -> basePath = v);
        f.string("dev-static-dir", "", "(development use only)", v -> devStaticDir = v);

        f.string("graphite-url", "", "graphite HTTP address", v -> graphiteUrl = v);
        f.bool("proxy-graphite", false, "proxy HTTP requests to graphite", v -> proxyGraphite = v);
        f.string("statsd-counter-format", statsdCounterFormat, "The counter stats key formatting applied by the implementation of statsd. If no formatting is desired, set this to an empty string.", v -> statsdCounterFormat = v);
        f.string("statsd-gauge-format", statsdGaugeFormat, "The gauge stats key formatting applied by the implementation of statsd. If no formatting is desired, set this to an empty string.", v -> statsdGaugeFormat = v);
        f.string("statsd-prefix", statsdPrefix, "prefix used for keys sent to statsd (%s for host replacement, must match nsqd)", v -> statsdPrefix = v);
        f.duration("statsd-interval", statsdIntervalMs, "time interval nsqd is configured to push to statsd (must match nsqd)", v -> statsdIntervalMs = v);

        f.string("notification-http-endpoint", "", "HTTP endpoint (fully qualified) to which POST notifications of admin actions will be sent", v -> notificationHttpEndpoint = v);

        f.duration("http-client-connect-timeout", httpClientConnectTimeoutMs, "timeout for HTTP connect", v -> httpClientConnectTimeoutMs = v);
        f.duration("http-client-request-timeout", httpClientRequestTimeoutMs, "timeout for HTTP request", v -> httpClientRequestTimeoutMs = v);
        f.bool("http-client-tls-insecure-skip-verify", false, "configure the HTTP client to skip verification of TLS certificates", v -> httpClientTlsInsecureSkipVerify = v);
        f.string("http-client-tls-root-ca-file", "", "CA file to use when verifying TLS certificates", v -> httpClientTlsRootCaFile = v);
        f.string("http-client-tls-cert", "", "path to certificate file for the HTTP client", v -> httpClientTlsCert = v);
        f.string("http-client-tls-key", "", "path to key file for the HTTP client", v -> httpClientTlsKey = v);

        f.string("allow-config-from-cidr", allowConfigFromCidr, "A CIDR from which to allow HTTP requests to the /config endpoint", v -> allowConfigFromCidr = v);
        f.string("acl-http-header", aclHttpHeader, "HTTP header to check for authenticated admin users", v -> aclHttpHeader = v);

        f.list("lookupd-http-address", "lookupd HTTP address (may be given multiple times)", lookupdHttpAddresses::add);
        f.list("nsqd-http-address", "nsqd HTTP address (may be given multiple times)", nsqdHttpAddresses::add);
        f.list("admin-user", "admin user (may be given multiple times; if specified, only these users will be able to perform privileged actions; acl-http-header is used to determine the authenticated user)", adminUsers::add);

        f.duration("stats-sample-interval", statsSampleIntervalMs, "how often every nsqd's /stats is sampled for the live view and its rate graphs", v -> statsSampleIntervalMs = v);
        f.duration("stats-history", statsHistoryMs, "how much sampled history the rate and depth graphs show", v -> statsHistoryMs = v);
        return f;
    }

    /** NSQ's startup checks, with messages that name the flag. */
    public void validate() {
        if (!lookupdHttpAddresses.isEmpty() && !nsqdHttpAddresses.isEmpty())
            throw new FlagSet.FlagException("use --nsqd-http-address or --lookupd-http-address not both");
        if (lookupdHttpAddresses.isEmpty() && nsqdHttpAddresses.isEmpty())
            throw new FlagSet.FlagException("--nsqd-http-address or --lookupd-http-address required");
        if (httpClientTlsCert.isEmpty() != httpClientTlsKey.isEmpty())
            throw new FlagSet.FlagException("--http-client-tls-cert and --http-client-tls-key must both be provided");
        if (!allowConfigFromCidr.isEmpty() && Cidr.parse(allowConfigFromCidr) == null)
            throw new FlagSet.FlagException("failed to parse --allow-config-from-cidr " + allowConfigFromCidr);
        if (statsSampleIntervalMs < 100) throw new FlagSet.FlagException("--stats-sample-interval must be >= 100ms");
        if (statsHistoryMs < statsSampleIntervalMs)
            throw new FlagSet.FlagException("--stats-history must be >= --stats-sample-interval");
        if (!LogLevel.isValid(logLevel)) throw new FlagSet.FlagException("invalid log level " + logLevel);
    }

    /** The base path as routes want it: leading slash, no trailing slash ("" for the root). */
    String normalizedBasePath() {
        String p = basePath == null ? "" : basePath.trim();
        if (!p.startsWith("/")) p = "/" + p;
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p;
    }
}
