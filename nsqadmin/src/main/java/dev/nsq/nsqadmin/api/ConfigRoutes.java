package dev.nsq.nsqadmin.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code GET|PUT /config/:opt} (NSQ's doConfig): reads any option by its config name; changes only
 * {@code nsqlookupd_http_addresses} and {@code log_level}. Only clients inside
 * {@code --allow-config-from-cidr} may use it (403 {@code FORBIDDEN} otherwise).
 */
public final class ConfigRoutes {
    /** PUT bodies above this are refused, as NSQ does (1 MiB). */
    private static final int MAX_BODY_BYTES = 1024 * 1024;

    /** What the routes read and change; the server owns the values. */
    public interface Settings {
        /** An option's value by config name, null when there is no such option. */
        Object get(String cfgName);

        void setLookupdHttpAddresses(List<String> addrs);

        /** False for a level NSQ does not know. */
        boolean setLogLevel(String level);
    }

    private final Settings settings;
    private final Predicate<String> allowedIp;

    public ConfigRoutes(Settings settings, Predicate<String> allowedIp) {
        this.settings = settings;
        this.allowedIp = allowedIp;
    }

    public void mount(Router r, String base) {
        r.get(base + "/config/:opt").handler(this::handle);
        r.put(base + "/config/:opt").handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        String ip = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
        if (!allowedIp.test(ip)) throw new ApiError(403, "FORBIDDEN");
        String opt = ctx.pathParam("opt");
        if (ctx.request().method().name().equals("PUT")) {
            Buffer body = ctx.body() == null ? null : ctx.body().buffer();
            if (body == null || body.length() == 0 || body.length() > MAX_BODY_BYTES) throw new ApiError(413, "INVALID_VALUE");
            switch (opt) {
                case "nsqlookupd_http_addresses" -> settings.setLookupdHttpAddresses(stringArray(body));
                case "log_level" -> {
                    if (!settings.setLogLevel(body.toString().trim())) throw new ApiError(400, "INVALID_VALUE");
                }
                default -> throw new ApiError(400, "INVALID_OPTION");
            }
        }
        Object v = settings.get(opt);
        if (v == null) throw new ApiError(400, "INVALID_OPTION");
        Reply.json(ctx, 200, v);
    }

    private static List<String> stringArray(Buffer body) {
        try {
            JsonArray a = new JsonArray(body);
            List<String> out = new ArrayList<>();
            for (Object o : a) {
                if (!(o instanceof String s)) throw new ApiError(400, "INVALID_VALUE");
                out.add(s);
            }
            return out;
        } catch (DecodeException e) {
            throw new ApiError(400, "INVALID_VALUE");
        }
    }
}
