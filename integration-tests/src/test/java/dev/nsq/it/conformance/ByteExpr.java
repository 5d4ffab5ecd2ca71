package dev.nsq.it.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Turns a byte expression (README "Byte expressions") into the bytes it denotes. */
final class ByteExpr {
    /** Python's json.dumps escapes non-ASCII with lowercase hex; `{"json": ...}` must give the same bytes. */
    private static final JsonMapper COMPACT_ASCII = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .build();

    /** Fixed-width big-endian integers: name, width in bytes, signed. */
    private enum IntKind {
        U32("u32", 4, false), I32("i32", 4, true), U16("u16", 2, false),
        U64("u64", 8, false), I64("i64", 8, true);

        final String key;
        final int width;
        final boolean signed;

        IntKind(String key, int width, boolean signed) {
            this.key = key;
            this.width = width;
            this.signed = signed;
        }
    }

    private ByteExpr() { }

    static byte[] build(JsonNode expr, Variables vars) {
        if (expr == null || expr.isNull() || expr.isMissingNode()) {
            return new byte[0];
        }
        if (expr.isTextual()) {
            return utf8(vars.expand(expr.textValue()));
        }
        if (expr.isArray()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            expr.forEach(part -> out.writeBytes(build(part, vars)));
            return out.toByteArray();
        }
        if (expr.isObject()) {
            return buildObject(expr, vars);
        }
        throw new CaseDefinitionError("bad byte expression: " + expr);
    }

    /** Keys are tried in replay.py's order, so an object with several keys means the same thing. */
    private static byte[] buildObject(JsonNode expr, Variables vars) {
        if (expr.has("text")) {
            return utf8(vars.expand(expr.get("text").asText()));
        }
        if (expr.has("hex")) {
            return hex(vars.expand(expr.get("hex").asText()));
        }
        for (IntKind kind : IntKind.values()) {
            if (expr.has(kind.key)) {
                return bigEndian(toInteger(expr.get(kind.key)), kind);
            }
        }
        if (expr.has("repeat")) {
            byte[] unit = build(expr.get("repeat"), vars);
            int count = expr.has("count") ? toInteger(expr.get("count")).intValueExact() : 1;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < count; i++) {
                out.writeBytes(unit);
            }
            return out.toByteArray();
        }
        if (expr.has("json")) {
            try {
                return COMPACT_ASCII.writeValueAsBytes(vars.expandTree(expr.get("json")));
            } catch (JsonProcessingException e) {
                throw new CaseDefinitionError("cannot render json byte expression", e);
            }
        }
        if (expr.has("sized")) {
            return sized(build(expr.get("sized"), vars));
        }
        if (expr.has("mpub")) {
            return mpub(expr, vars);
        }
        throw new CaseDefinitionError("bad byte expression: " + expr);
    }

    /** MPUB body: [count]([size][msg])*, where `count` may deliberately disagree with the list. */
    private static byte[] mpub(JsonNode expr, Variables vars) {
        List<byte[]> items = new ArrayList<>();
        expr.get("mpub").forEach(item -> items.add(build(item, vars)));
        long count = expr.has("count") ? toInteger(expr.get("count")).longValue() : items.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bigEndian(BigInteger.valueOf(count), IntKind.U32));
        items.forEach(item -> out.writeBytes(sized(item)));
        return out.toByteArray();
    }

    static byte[] sized(byte[] data) {
        return ByteBuffer.allocate(4 + data.length).putInt(data.length).put(data).array();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String s) {
        try {
            return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new CaseDefinitionError("bad hex byte expression: " + s, e);
        }
    }

    /** Like Python's int(): a JSON integer, a float (truncated) or a decimal string. */
    private static BigInteger toInteger(JsonNode n) {
        if (n.isIntegralNumber()) {
            return n.bigIntegerValue();
        }
        if (n.isNumber()) {
            return n.decimalValue().toBigInteger();
        }
        if (n.isTextual()) {
            try {
                return new BigInteger(n.textValue().trim());
            } catch (NumberFormatException e) {
                throw new CaseDefinitionError("not an integer: " + n, e);
            }
        }
        throw new CaseDefinitionError("not an integer: " + n);
    }

    private static byte[] bigEndian(BigInteger value, IntKind kind) {
        int bits = kind.width * 8;
        BigInteger min = kind.signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
        BigInteger max = kind.signed
                ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new CaseDefinitionError(kind.key + " out of range: " + value);
        }
        byte[] out = new byte[kind.width];
        long v = value.longValue(); // two's complement low bits are exactly what we need
        for (int i = kind.width - 1; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }
}
