package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What an auth server granted one connection, as NSQ's internal/auth: an identity and a list of
 * (topic regex, channel regexes, permissions) valid for {@code ttl} seconds. Regexes are matched
 * unanchored, as Go's MatchString. Publishing is judged with the empty channel name, so a grant
 * must have a channel regex matching "" (e.g. ".*") to allow PUB, exactly as NSQ.
 *
 * <p>Immutable; a connection swaps in a new instance when it re-queries after expiry.
 */
final class Authorizations {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Grant(Pattern topic, List<Pattern> channels, List<String> permissions) {
        boolean allows(String topicName, String channelName) {
            String needed = channelName.isEmpty() ? "publish" : "subscribe";
            if (!permissions.contains(needed)) return false;
            if (!topic.matcher(topicName).find()) return false;
            for (Pattern c : channels) {
                if (c.matcher(channelName).find()) return true;
            }
            return false;
        }
    }

    final String identity;
    final String identityUrl;
    final List<Grant> grants;
    private final long expiresAtMs;

    private Authorizations(String identity, String identityUrl, List<Grant> grants, long expiresAtMs) {
        this.identity = identity;
        this.identityUrl = identityUrl;
        this.grants = grants;
        this.expiresAtMs = expiresAtMs;
    }

    boolean isExpired(long nowMs) { return expiresAtMs < nowMs; }

    boolean hasGrants() { return !grants.isEmpty(); }

    boolean isAllowed(String topic, String channel) {
        for (Grant g : grants) {
            if (g.allows(topic, channel)) return true;
        }
        return false;
    }

    /** Parses and validates an auth server's answer as NSQ does; the exception text is only logged. */
    static Authorizations parse(byte[] body, long nowMs) throws IllegalArgumentException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalArgumentException("failed to decode auth response - " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException("auth response is not a JSON object");
        List<Grant> grants = new ArrayList<>();
        for (JsonNode a : root.path("authorizations")) {
            List<String> perms = new ArrayList<>();
            for (JsonNode p : a.path("permissions")) {
                String perm = p.asText();
                if (!perm.equals("subscribe") && !perm.equals("publish"))
                    throw new IllegalArgumentException("unknown permission " + perm);
                perms.add(perm);
            }
            Pattern topic = compile(a.path("topic").asText(""));
            List<Pattern> channels = new ArrayList<>();
            for (JsonNode c : a.path("channels")) channels.add(compile(c.asText()));
            grants.add(new Grant(topic, List.copyOf(channels), List.copyOf(perms)));
        }
        long ttl = root.path("ttl").asLong(0);
        if (ttl <= 0) throw new IllegalArgumentException("invalid TTL " + ttl + " (must be >0)");
        return new Authorizations(root.path("identity").asText(""), root.path("identity_url").asText(""),
                List.copyOf(grants), nowMs + ttl * 1000);
    }

    private static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("unable to compile regex " + regex + " - " + e.getDescription());
        }
    }

    /** The AUTH command's answer: {"identity","identity_url","permission_count"}. */
    byte[] response() {
        var o = JSON.createObjectNode();
        o.put("identity", identity);
        o.put("identity_url", identityUrl);
        o.put("permission_count", grants.size());
        return o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
