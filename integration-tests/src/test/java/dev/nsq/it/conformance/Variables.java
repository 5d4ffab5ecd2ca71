package dev.nsq.it.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The `${name}` environment of one case run: built-ins, the case's vars and captured values. */
final class Variables {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final Map<String, String> values = new LinkedHashMap<>();

    void put(String name, String value) {
        values.put(name, value);
    }

    String get(String name) {
        return values.get(name);
    }

    /** Replaces every reference in one pass (replacements are not re-expanded, as in replay.py). */
    String expand(String s) {
        Matcher m = REFERENCE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new StepFailure("undefined variable ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Expands every string in a JSON tree, object keys included; other scalars are kept. */
    JsonNode expandTree(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(expand(node.textValue()));
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> out.add(expandTree(item)));
            return out;
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(expand(e.getKey()), expandTree(e.getValue()));
            }
            return out;
        }
        return node;
    }
}
