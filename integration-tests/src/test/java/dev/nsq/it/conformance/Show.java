package dev.nsq.it.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Readable, bounded renderings for failure messages, close to replay.py's show(). */
final class Show {
    static final int DEFAULT_LIMIT = 160;

    private Show() { }

    /** Bytes as a quoted string when they are valid UTF-8, else as {@code hex:...}. */
    static String bytes(byte[] b) {
        return bytes(b, DEFAULT_LIMIT);
    }

    static String bytes(byte[] b, int limit) {
        String text = strictUtf8(b);
        return clip(text != null ? quote(text) : "hex:" + HexFormat.of().formatHex(b), limit);
    }

    static String json(JsonNode node) {
        return json(node, DEFAULT_LIMIT);
    }

    /** JSON with sorted keys and Python's default ", " / ": " separators. */
    static String json(JsonNode node, int limit) {
        return clip(render(node, true), limit);
    }

    static String string(String s) {
        return clip(quote(s), DEFAULT_LIMIT);
    }

    /** Python's json.dumps(value) with key order kept: what `$str` and captures compare against. */
    static String pythonJson(JsonNode node) {
        return render(node, false);
    }

    /** Python's repr of a sorted list of strings, e.g. ['a', 'b'], for key-set messages. */
    static String keyList(Collection<String> keys) {
        List<String> parts = new ArrayList<>();
        for (String k : new TreeSet<>(keys)) {
            parts.add("'" + k + "'");
        }
        return "[" + String.join(", ", parts) + "]";
    }

    static String strictUtf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String quote(String s) {
        return TextNode.valueOf(s).toString();
    }

    private static String render(JsonNode node, boolean sortKeys) {
        if (node == null || node.isMissingNode()) {
            return "null";
        }
        if (node.isTextual()) {
            return quote(node.textValue());
        }
        if (node.isArray()) {
            List<String> parts = new ArrayList<>();
            node.forEach(item -> parts.add(render(item, sortKeys)));
            return "[" + String.join(", ", parts) + "]";
        }
        if (node.isObject()) {
            Collection<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            if (sortKeys) {
                names = new TreeSet<>(names);
            }
            List<String> parts = new ArrayList<>();
            for (String name : names) {
                parts.add(quote(name) + ": " + render(node.get(name), sortKeys));
            }
            return "{" + String.join(", ", parts) + "}";
        }
        return node.toString();
    }

    private static String clip(String r, int limit) {
        return r.length() > limit ? r.substring(0, limit) + "...(" + r.length() + " chars)" : r;
    }

    /** Renders a small map like {c1=1} the way Python prints a dict: {'c1': 1}. */
    static String counts(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((k, v) -> parts.add("'" + k + "': " + v));
        return "{" + String.join(", ", parts) + "}";
    }
}
