package dev.nsq.nsqadmin;

import dev.nsq.daemon.logging.LogLevel;
import dev.nsq.nsqadmin.api.ConfigRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The options as {@code /config/:opt} sees them, by NSQ's config names; the two that may change at
 * run time (the lookupd list and the log level) live here, read by every request.
 */
final class LiveConfig implements ConfigRoutes.Settings {
    private static final Logger log = LoggerFactory.getLogger(LiveConfig.class);
    private static final long NS_PER_MS = 1_000_000L;

    private final NsqadminOptions o;
    private final AtomicReference<List<String>> lookupds;
    private volatile String logLevel;

    LiveConfig(NsqadminOptions o) {
        this.o = o;
        this.lookupds = new AtomicReference<>(List.copyOf(o.lookupdHttpAddresses));
        this.logLevel = o.logLevel;
    }

    List<String> lookupdHttpAddresses() { return lookupds.get(); }

    @Override
    public void setLookupdHttpAddresses(List<String> addrs) {
        lookupds.set(List.copyOf(addrs));
        log.info("CONFIG: nsqlookupd_http_addresses = {}", addrs);
    }

    @Override
    public boolean setLogLevel(String level) {
        if (!LogLevel.isValid(level) || !LogLevel.apply(level)) return false;
        logLevel = level.toLowerCase();
        return true;
    }

    @Override
    public Object get(String cfgName) {
        return switch (cfgName) {
            case "nsqlookupd_http_addresses" -> lookupds.get();
            case "nsqd_http_addresses" -> o.nsqdHttpAddresses;
            case "admin_users" -> o.adminUsers;
            // NSQ's lg.LogLevel is a number in JSON (info = 2)
            case "log_level" -> LogLevel.number(logLevel);
            case "log_prefix" -> o.logPrefix;
            case "http_address" -> o.httpAddress;
            case "base_path" -> o.basePath;
            case "dev_static_dir" -> o.devStaticDir;
            case "graphite_url" -> o.graphiteUrl;
            case "proxy_graphite" -> o.proxyGraphite;
            case "statsd_counter_format" -> o.statsdCounterFormat;
            case "statsd_gauge_format" -> o.statsdGaugeFormat;
            case "statsd_prefix" -> o.statsdPrefix;
            case "statsd_interval" -> o.statsdIntervalMs * NS_PER_MS;
            case "notification_http_endpoint" -> o.notificationHttpEndpoint;
            case "http_client_connect_timeout" -> o.httpClientConnectTimeoutMs * NS_PER_MS;
            case "http_client_request_timeout" -> o.httpClientRequestTimeoutMs * NS_PER_MS;
            case "http_client_tls_insecure_skip_verify" -> o.httpClientTlsInsecureSkipVerify;
            case "http_client_tls_root_ca_file" -> o.httpClientTlsRootCaFile;
            case "http_client_tls_cert" -> o.httpClientTlsCert;
            case "http_client_tls_key" -> o.httpClientTlsKey;
            case "allow_config_from_cidr" -> o.allowConfigFromCidr;
            case "acl_http_header" -> o.aclHttpHeader;
            case "stats_sample_interval" -> o.statsSampleIntervalMs * NS_PER_MS;
            case "stats_history" -> o.statsHistoryMs * NS_PER_MS;
            default -> null;
        };
    }
}
