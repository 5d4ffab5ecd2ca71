package dev.nsq.nsqadmin.api;

import dev.nsq.nsqadmin.cluster.Upstream;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/**
 * Who may act and who hears of it (NSQ's isAuthorizedAdminRequest and notifyAdminAction): with
 * {@code --admin-user} set, only a request whose {@code --acl-http-header} names one of them may
 * change the cluster (403 {@code FORBIDDEN} otherwise); with {@code --notification-http-endpoint}
 * set, every action is POSTed there as JSON, fire and forget.
 */
public final class AdminActions {
    private static final Logger log = LoggerFactory.getLogger(AdminActions.class);

    private final List<String> adminUsers;
    private final String aclHeader;
    private final String endpoint;
    private final Upstream http;
    private final Supplier<String> via;

    public AdminActions(List<String> adminUsers, String aclHeader, String endpoint, Upstream http) {
        this.adminUsers = List.copyOf(adminUsers);
        this.aclHeader = aclHeader;
        this.endpoint = endpoint;
        this.http = http;
        String host = hostname(); // once: it cannot change, and a lookup may block
        this.via = () -> host;
    }

    /** Throws 403 {@code FORBIDDEN} unless the request may change the cluster. */
    void requireAdmin(RoutingContext ctx) {
        if (adminUsers.isEmpty()) return;
        String user = ctx.request().getHeader(aclHeader);
        if (user == null || !adminUsers.contains(user)) throw new ApiError(403, "FORBIDDEN");
    }

    /** Logs what was done and tells the notification endpoint, if any; its failures are only logged. */
    void notify(String action, String topic, String channel, String node, RoutingContext ctx) {
        String user = ctx.request().getHeader(aclHeader);
        log.info("ACTION: {} topic={}{}{} by {}", action, topic, channel.isEmpty() ? "" : " channel=" + channel,
                node.isEmpty() ? "" : " node=" + node, user == null ? remoteIp(ctx) : user + "@" + remoteIp(ctx));
        if (endpoint.isEmpty()) return;
        JsonObject doc = new JsonObject()
                .put("action", action)
                .put("topic", topic)
                .put("channel", channel)
                .put("node", node)
                .put("timestamp", System.currentTimeMillis() / 1000)
                .put("user", basicAuthUser(ctx.request().getHeader("Authorization")))
                .put("remote_ip", remoteIp(ctx))
                .put("user_agent", ctx.request().getHeader("User-Agent"))
                .put("url", ctx.request().absoluteURI())
                .put("via", via.get());
        http.postJson(endpoint, doc).onFailure(e -> log.error("failed to send admin notification - {}", e.getMessage()));
    }

    private static String remoteIp(RoutingContext ctx) {
        return ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
    }

    private static String basicAuthUser(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) return "";
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? decoded : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "";
        }
    }
}
