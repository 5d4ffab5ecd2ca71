package dev.nsq.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * NSQ's HTTP clients (http_api) follow a 403 whose body names an {@code https_port}, as a daemon that
 * requires TLS answers plain HTTP ({@code {"message": "TLS_REQUIRED", "https_port": 4152}}): the
 * same request again, over HTTPS, on that port of the same host. Used by nsqadmin's upstream client
 * and nsqd's auth client.
 */
public final class HttpsRedirect {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpsRedirect() {}

    /** The HTTPS URL to retry, or null when this answer is not such a redirect (or the URL is https already). */
    public static String httpsUrl(String url, int status, String body) {
        if (status != 403 || !url.startsWith("http://")) return null;
        int port;
        try {
            JsonNode n = JSON.readTree(body);
            port = n == null ? 0 : n.path("https_port").asInt(0);
        } catch (Exception e) {
            return null;
        }
        if (port <= 0 || port > 65535) return null;
        try {
            URI u = new URI(url);
            return new URI("https", u.getRawUserInfo(), u.getHost(), port, u.getRawPath(), null, null).toString()
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
