package dev.nsq.nsqadmin.cluster;

import io.vertx.core.json.JsonObject;

/**
 * One consumer connection on one node (NSQ's clusterinfo.ClientStats), from the {@code clients} of a
 * channel in nsqd's {@code /stats}; {@code node} and {@code connected} (nanoseconds, as Go's
 * time.Duration) are added by nsqadmin.
 */
public final class ClientStats {
    public String node = "";
    public String remoteAddress = "";
    public String version = "";
    public String clientId = "";
    public String hostname = "";
    public String userAgent = "";
    public long connectTs;
    public long connectedNs;
    public long inFlightCount;
    public long readyCount;
    public long finishCount;
    public long requeueCount;
    public long messageCount;
    public int sampleRate;
    public boolean deflate;
    public boolean snappy;
    public boolean authed;
    public String authIdentity = "";
    public String authIdentityUrl = "";
    public boolean tls;
    public String tlsCipherSuite = "";
    public String tlsVersion = "";
    public String tlsNegotiatedProtocol = "";
    public boolean tlsNegotiatedProtocolIsMutual;
    public String topologyZone = "";
    public String topologyRegion = "";

    static ClientStats fromNode(JsonObject c, String node, long nowSeconds) {
        ClientStats s = new ClientStats();
        s.node = node;
        s.remoteAddress = c.getString("remote_address", "");
        s.version = c.getString("version", "");
        s.clientId = c.getString("client_id", "");
        s.hostname = c.getString("hostname", "");
        s.userAgent = c.getString("user_agent", "");
        s.connectTs = c.getLong("connect_ts", 0L);
        s.connectedNs = Math.max(0, nowSeconds - s.connectTs) * 1_000_000_000L;
        s.inFlightCount = c.getLong("in_flight_count", 0L);
        s.readyCount = c.getLong("ready_count", 0L);
        s.finishCount = c.getLong("finish_count", 0L);
        s.requeueCount = c.getLong("requeue_count", 0L);
        s.messageCount = c.getLong("message_count", 0L);
        s.sampleRate = c.getInteger("sample_rate", 0);
        s.deflate = c.getBoolean("deflate", false);
        s.snappy = c.getBoolean("snappy", false);
        s.authed = c.getBoolean("authed", false);
        s.authIdentity = c.getString("auth_identity", "");
        s.authIdentityUrl = c.getString("auth_identity_url", "");
        s.tls = c.getBoolean("tls", false);
        s.tlsCipherSuite = c.getString("tls_cipher_suite", "");
        s.tlsVersion = c.getString("tls_version", "");
        s.tlsNegotiatedProtocol = c.getString("tls_negotiated_protocol", "");
        s.tlsNegotiatedProtocolIsMutual = c.getBoolean("tls_negotiated_protocol_is_mutual", false);
        s.topologyZone = c.getString("topology_zone", "");
        s.topologyRegion = c.getString("topology_region", "");
        if (s.clientId.isEmpty()) {
            // very old nsqd: NSQ builds "name:port" from the remote address
            int colon = s.remoteAddress.lastIndexOf(':');
            s.clientId = c.getString("name", "") + ":" + (colon >= 0 ? s.remoteAddress.substring(colon + 1) : "NA");
        }
        return s;
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("node", node)
                .put("remote_address", remoteAddress)
                .put("version", version)
                .put("client_id", clientId)
                .put("hostname", hostname)
                .put("user_agent", userAgent)
                .put("connect_ts", connectTs)
                .put("connected", connectedNs)
                .put("in_flight_count", inFlightCount)
                .put("ready_count", readyCount)
                .put("finish_count", finishCount)
                .put("requeue_count", requeueCount)
                .put("message_count", messageCount)
                .put("sample_rate", sampleRate)
                .put("deflate", deflate)
                .put("snappy", snappy)
                .put("authed", authed)
                .put("auth_identity", authIdentity)
                .put("auth_identity_url", authIdentityUrl)
                .put("tls", tls)
                .put("tls_cipher_suite", tlsCipherSuite)
                .put("tls_version", tlsVersion)
                .put("tls_negotiated_protocol", tlsNegotiatedProtocol)
                .put("tls_negotiated_protocol_is_mutual", tlsNegotiatedProtocolIsMutual)
                .put("topology_zone", topologyZone)
                .put("topology_region", topologyRegion);
    }
}
