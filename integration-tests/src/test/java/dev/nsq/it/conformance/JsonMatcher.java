package dev.nsq.it.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The README's JSON matchers. {@link #match} returns null when the actual value matches, else a
 * description of the first difference ("$.a.b: expected ..., got ..."). Operators live in
 * {@link MatcherOps}; this class does literal comparison and dispatch.
 */
final class JsonMatcher {
    /** Numbers compare by value (1 == 1.0, as in Python); everything else structurally. */
    private static final Comparator<JsonNode> LOOSE_NUMBERS = (a, b) ->
            a.isNumber() && b.isNumber() ? (numbersEqual(a, b) ? 0 : 1) : (a.equals(b) ? 0 : 1);

    private JsonMatcher() { }

    static String match(JsonNode expected, JsonNode actual) {
        return match(expected, actual, "$");
    }

    static String match(JsonNode exp, JsonNode act, String path) {
        act = act == null || act.isMissingNode() ? NullNode.getInstance() : act;
        if (isOperatorSet(exp)) {
            return MatcherOps.apply(exp, act, path);
        }
        if (exp.isObject()) {
            return matchObject(exp, act, path);
        }
        if (exp.isArray()) {
            return matchArray(exp, act, path);
        }
        return scalarEquals(exp, act) ? null
                : path + ": expected " + Show.json(exp) + ", got " + Show.json(act);
    }

    /** A non-empty object whose keys all start with '$'. */
    static boolean isOperatorSet(JsonNode n) {
        if (n == null || !n.isObject() || n.isEmpty()) {
            return false;
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            if (!it.next().startsWith("$")) {
                return false;
            }
        }
        return true;
    }

    /** Literal equality used by `$eq` when its argument looks like an operator set. */
    static boolean literalEquals(JsonNode a, JsonNode b) {
        return a.equals(LOOSE_NUMBERS, b);
    }

    static Set<String> keys(JsonNode object) {
        Set<String> out = new HashSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static boolean numbersEqual(JsonNode a, JsonNode b) {
        if (a.isIntegralNumber() && b.isIntegralNumber()) {
            return a.bigIntegerValue().equals(b.bigIntegerValue());
        }
        return compareNumbers(a, b) == 0;
    }

    static int compareNumbers(JsonNode a, JsonNode b) {
        return decimal(a).compareTo(decimal(b));
    }

    static Pattern regex(String pattern, int flags) {
        try {
            return Pattern.compile(pattern, flags);
        } catch (PatternSyntaxException e) {
            throw new CaseDefinitionError("bad regex /" + pattern + "/", e);
        }
    }

    private static BigDecimal decimal(JsonNode n) {
        return n.isIntegralNumber() ? new BigDecimal(n.bigIntegerValue()) : n.decimalValue();
    }

    private static String matchObject(JsonNode exp, JsonNode act, String path) {
        if (!act.isObject()) {
            return path + ": expected object, got " + Show.json(act);
        }
        Set<String> want = keys(exp);
        Set<String> got = keys(act);
        if (!want.equals(got)) {
            return keyDifference(path, want, got);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = exp.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String r = match(e.getValue(), act.get(e.getKey()), path + "." + e.getKey());
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    static String keyDifference(String path, Set<String> want, Set<String> got) {
        return path + ": key set differs (missing " + Show.keyList(minus(want, got))
                + ", unexpected " + Show.keyList(minus(got, want)) + ")";
    }

    static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static String matchArray(JsonNode exp, JsonNode act, String path) {
        if (!act.isArray()) {
            return path + ": expected array, got " + Show.json(act);
        }
        if (exp.size() != act.size()) {
            return path + ": expected " + exp.size() + " elements, got " + act.size() + ": " + Show.json(act);
        }
        for (int i = 0; i < exp.size(); i++) {
            String r = match(exp.get(i), act.get(i), path + "[" + i + "]");
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** Type-strict: booleans and null only equal themselves; numbers compare by value. */
    private static boolean scalarEquals(JsonNode exp, JsonNode act) {
        if (exp.isBoolean() || act.isBoolean() || exp.isNull() || act.isNull()) {
            return exp.getNodeType() == act.getNodeType() && exp.equals(act);
        }
        if (exp.isNumber()) {
            return act.isNumber() && numbersEqual(exp, act);
        }
        if (exp.isTextual()) {
            return act.isTextual() && exp.textValue().equals(act.textValue());
        }
        return exp.equals(act);
    }

    /** One-to-one assignment of matchers to elements, any order (backtracking, like replay.py). */
    static String unordered(JsonNode exps, JsonNode acts, String path) {
        if (!acts.isArray()) {
            return path + ": expected array, got " + Show.json(acts);
        }
        if (exps.size() != acts.size()) {
            return path + ": expected " + exps.size() + " elements (any order), got " + acts.size()
                    + ": " + Show.json(acts);
        }
        List<JsonNode> exp = new ArrayList<>();
        exps.forEach(exp::add);
        boolean[] used = new boolean[acts.size()];
        return assign(exp, 0, acts, used, path) ? null
                : path + ": elements do not match " + Show.json(exps) + " (any order), got " + Show.json(acts);
    }

    private static boolean assign(List<JsonNode> exp, int i, JsonNode acts, boolean[] used, String path) {
        if (i == exp.size()) {
            return true;
        }
        for (int j = 0; j < acts.size(); j++) {
            if (!used[j] && match(exp.get(i), acts.get(j), path) == null) {
                used[j] = true;
                if (assign(exp, i + 1, acts, used, path)) {
                    return true;
                }
                used[j] = false;
            }
        }
        return false;
    }
}
