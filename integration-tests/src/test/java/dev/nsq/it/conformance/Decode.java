package dev.nsq.it.conformance;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Decoding received bytes the way replay.py does: lenient text, strict JSON. */
final class Decode {
    /** Like Python's json.loads: trailing garbage is an error, not ignored. */
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Decode() { }

    /** UTF-8 with malformed input replaced (Python's decode("utf-8", "replace")). */
    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The parsed JSON document, or null when the bytes are not exactly one JSON value. */
    static JsonNode json(byte[] b) {
        try {
            JsonNode n = STRICT.readTree(b);
            return n == null || n.isMissingNode() ? null : n;
        } catch (IOException e) {
            return null;
        }
    }
}
