package dev.nsq.it.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** One step of a case: a thin view over its JSON object with the format's defaults applied. */
public final class Step {
    private final ObjectNode node;

    Step(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new CaseDefinitionError("a step must be an object, got " + node);
        }
        this.node = (ObjectNode) node;
    }

    String op() {
        return text("op", null);
    }

    /** The connection name (`conn`, default "c"). */
    String conn() {
        return text("conn", "c");
    }

    /** `conns` when given and non-empty, else just {@link #conn()}. */
    List<String> conns() {
        List<String> out = new ArrayList<>();
        JsonNode list = node.get("conns");
        if (list != null && list.isArray()) {
            list.forEach(n -> out.add(n.asText()));
        }
        if (out.isEmpty()) {
            out.add(conn());
        }
        return out;
    }

    String target() {
        return text("target", "nsqd");
    }

    boolean has(String key) {
        return node.has(key);
    }

    JsonNode get(String key) {
        return node.get(key);
    }

    String text(String key, String fallback) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    boolean flag(String key) {
        JsonNode v = node.get(key);
        return v != null && v.asBoolean();
    }

    long millis(String key, long fallback) {
        JsonNode v = node.get(key);
        return v == null || !v.isNumber() ? fallback : Math.round(v.asDouble());
    }

    long timeoutMs(long defaultMs) {
        return millis("timeout_ms", defaultMs);
    }

    /** Cleanup steps run with a shorter default timeout (1 s) unless they set their own. */
    Step withDefaultTimeout(long ms) {
        if (node.has("timeout_ms")) {
            return this;
        }
        ObjectNode copy = node.deepCopy();
        copy.put("timeout_ms", ms);
        return new Step(copy);
    }

    /** The address key (e.g. nsqd_tcp) this step needs, or null. */
    String neededAddress() {
        return switch (String.valueOf(op())) {
            case "connect" -> target() + "_tcp";
            case "http" -> target() + "_http";
            default -> null;
        };
    }

    /** Short description used in failure lines, e.g. `send "PUB t" on c`. */
    String describe() {
        String op = op();
        String c = conn();
        switch (String.valueOf(op)) {
            case "send":
                return has("cmd") ? "send " + Show.json(get("cmd"), 60) + " on " + c : "send raw on " + c;
            case "expect":
                return "expect " + text("frame", "a") + " frame on " + c;
            case "expect_messages":
            case "expect_silence":
                return op + " on " + (has("conns") ? String.join(",", conns()) : c);
            case "http":
                return "http " + target() + " " + text("method", "GET") + " " + text("path", "None");
            case "connect":
                return "connect " + c + " to " + target();
            case "sleep":
                return "sleep " + millis("ms", 0) + " ms";
            default:
                return op + " on " + c;
        }
    }
}
