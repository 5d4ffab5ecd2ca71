package dev.nsq.nsqd;

import dev.nsq.daemon.HttpEnvelope;

import dev.nsq.daemon.logging.LogLevel;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

import static dev.nsq.daemon.HttpEnvelope.error;
import static dev.nsq.daemon.HttpEnvelope.json;

/**
 * {@code GET/PUT /config/:opt}. Options are named as NSQ's config keys (flag names with '_');
 * only {@code nsqlookupd_tcp_addresses} and {@code log_level} can be changed at run time.
 */
final class ConfigRoutes {
    private final Nsqd nsqd;
    private final NsqdOptions o;

    ConfigRoutes(Nsqd nsqd, HttpApi api) {
        this.nsqd = nsqd;
        this.o = nsqd.options();
    }

    void get(RoutingContext ctx) {
        Object v = value(ctx.pathParam("opt"));
        if (v == null) {
            error(ctx, 400, "INVALID_OPTION");
            return;
        }
        json(ctx, v);
    }

    void put(RoutingContext ctx) {
        String opt = ctx.pathParam("opt");
        HttpApi.readBody(ctx.request(), o.maxMsgSize).onComplete(ar -> {
            if (ar.failed() || ar.result() == null || ar.result().length() == 0) {
                error(ctx, 413, "INVALID_VALUE");
                return;
            }
            String body = ar.result().toString();
            switch (opt) {
                case "nsqlookupd_tcp_addresses" -> {
                    try {
                        JsonNode arr = HttpEnvelope.JSON.readTree(body);
                        if (arr == null || !arr.isArray()) throw new IllegalArgumentException();
                        List<String> addrs = new ArrayList<>();
                        for (JsonNode n : arr) {
                            if (!n.isTextual()) throw new IllegalArgumentException();
                            addrs.add(n.textValue());
                        }
                        o.lookupdTcpAddresses = addrs;
                        if (nsqd.lookup() != null) nsqd.lookup().setAddresses(addrs);
                    } catch (Exception e) {
                        error(ctx, 400, "INVALID_VALUE");
                        return;
                    }
                }
                case "log_level" -> {
                    if (!LogLevel.apply(body.trim())) {
                        error(ctx, 400, "INVALID_VALUE");
                        return;
                    }
                    o.logLevel = body.trim();
                }
                default -> {
                    error(ctx, 400, "INVALID_OPTION");
                    return;
                }
            }
            json(ctx, value(opt));
        });
    }

    /** The option's value as NSQ renders it (durations in ns, log level as its number), or null. */
    private Object value(String opt) {
        return switch (opt) {
            case "nsqlookupd_tcp_addresses" -> o.lookupdTcpAddresses;
            case "auth_http_addresses" -> o.authHttpAddresses;
            case "log_level" -> LogLevel.number(o.logLevel);
            case "id", "node_id" -> o.nodeId;
            case "tcp_address" -> o.tcpAddress;
            case "http_address" -> o.httpAddress;
            case "https_address" -> o.httpsAddress;
            case "broadcast_address" -> o.broadcastAddress;
            case "broadcast_tcp_port" -> o.broadcastTcpPort;
            case "broadcast_http_port" -> o.broadcastHttpPort;
            case "data_path" -> o.dataPath;
            case "mem_queue_size" -> o.memQueueSize;
            case "max_bytes_per_file" -> o.maxBytesPerFile;
            case "sync_every" -> o.syncEvery;
            case "sync_timeout" -> o.syncTimeoutMs * 1_000_000L;
            case "queue_scan_interval" -> o.queueScanIntervalMs * 1_000_000L;
            case "queue_scan_selection_count" -> o.queueScanSelectionCount;
            case "queue_scan_worker_pool_max" -> o.queueScanWorkerPoolMax;
            case "queue_scan_dirty_percent" -> o.queueScanDirtyPercent;
            case "event_loops" -> o.eventLoops; // ours
            case "max_bytes_per_queue" -> o.maxBytesPerQueue;
            case "persist_deferred" -> o.persistDeferred;
            case "msg_timeout" -> o.msgTimeoutMs * 1_000_000L;
            case "max_msg_timeout" -> o.maxMsgTimeoutMs * 1_000_000L;
            case "max_msg_size" -> o.maxMsgSize;
            case "max_body_size" -> o.maxBodySize;
            case "max_req_timeout" -> o.maxReqTimeoutMs * 1_000_000L;
            case "max_heartbeat_interval" -> o.maxHeartbeatIntervalMs * 1_000_000L;
            case "max_rdy_count" -> o.maxRdyCount;
            case "max_output_buffer_size" -> o.maxOutputBufferSize;
            case "max_output_buffer_timeout" -> o.maxOutputBufferTimeoutMs * 1_000_000L;
            case "min_output_buffer_timeout" -> o.minOutputBufferTimeoutMs * 1_000_000L;
            case "output_buffer_timeout" -> o.outputBufferTimeoutMs * 1_000_000L;
            case "max_channel_consumers" -> o.maxChannelConsumers;
            case "max_attempts" -> o.maxAttempts;
            case "replication_factor" -> o.replicationFactor; // ours, docs/replication.md
            case "replication_min_in_sync" -> o.replicationMinInSync;
            case "replication_timeout" -> o.replicationTimeoutMs * 1_000_000L;
            case "deflate" -> o.deflate;
            case "max_deflate_level" -> o.maxDeflateLevel;
            case "snappy" -> o.snappy;
            case "auth_http_request_method" -> o.authHttpRequestMethod;
            case "tls_cert" -> o.tlsCert;
            case "tls_key" -> o.tlsKey;
            case "tls_client_auth_policy" -> o.tlsClientAuthPolicy;
            case "tls_root_ca_file" -> o.tlsRootCaFile;
            // Go's numbers: TLSNotRequired 0, TLSRequiredExceptHTTP 1, TLSRequired 2
            case "tls_required" -> switch (o.tlsRequired) { case FALSE -> 0; case TCP_HTTPS -> 1; case TRUE -> 2; };
            // Go's crypto/tls constants: 0x0301 (TLS 1.0) .. 0x0304 (TLS 1.3)
            case "tls_min_version" -> switch (o.tlsMinVersion) { case "TLSv1.1" -> 0x0302; case "TLSv1.2" -> 0x0303; case "TLSv1.3" -> 0x0304; default -> 0x0301; };
            default -> null;
        };
    }
}
