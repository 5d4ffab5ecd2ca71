package dev.nsq.it.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** The `$`-operators of JSON matchers; all operators of one set must hold, checked in order. */
final class MatcherOps {
    private static final Map<String, Predicate<JsonNode>> TYPES = Map.of(
            "string", JsonNode::isTextual,
            "number", JsonNode::isNumber,
            "int", JsonNode::isIntegralNumber,
            "bool", JsonNode::isBoolean,
            "null", JsonNode::isNull,
            "array", JsonNode::isArray,
            "object", JsonNode::isObject);

    private MatcherOps() { }

    static String apply(JsonNode ops, JsonNode act, String path) {
        for (Iterator<Map.Entry<String, JsonNode>> it = ops.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String r = one(e.getKey(), e.getValue(), act, path);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static String one(String op, JsonNode arg, JsonNode act, String path) {
        String got = ", got " + Show.json(act);
        switch (op) {
            case "$any":
                return null;
            case "$type":
                return type(arg, act) ? null : path + ": expected type " + String.join("|", names(arg)) + got;
            case "$regex":
                return act.isTextual() && JsonMatcher.regex(arg.asText(), 0).matcher(act.textValue()).find()
                        ? null : path + ": expected string matching /" + arg.asText() + "/" + got;
            case "$eq":
                if (!JsonMatcher.isOperatorSet(arg)) {
                    return JsonMatcher.match(arg, act, path);
                }
                return JsonMatcher.literalEquals(arg, act) ? null : path + ": expected " + Show.json(arg) + got;
            case "$str": {
                String rendered = act.isTextual() ? act.textValue() : Show.pythonJson(act);
                return rendered.equals(arg.asText()) ? null : path + ": expected " + Show.json(arg) + got;
            }
            case "$one_of":
                return anyMatches(arg, act, path) ? null : path + ": expected one of " + Show.json(arg) + got;
            case "$not":
                return JsonMatcher.match(arg, act, path) != null ? null : path + ": expected not " + Show.json(arg) + got;
            case "$keys":
            case "$has_keys":
            case "$lacks_keys":
            case "$allowed_keys":
                return keySet(op, arg, act, path);
            case "$fields":
                return fields(arg, act, path);
            case "$each":
                return each(arg, act, path);
            case "$contains":
            case "$not_contains":
                return contains(op.equals("$contains"), arg, act, path);
            case "$unordered":
                return JsonMatcher.unordered(arg, act, path);
            case "$len":
                return length(act) >= 0 && JsonMatcher.numbersEqual(IntNode.valueOf(length(act)), arg)
                        ? null : path + ": expected length " + arg + got;
            case "$ge":
            case "$gt":
            case "$le":
            case "$lt":
                return compare(op, arg, act, path);
            case "$near_now_s":
            case "$near_now_ns":
                return nearNow(op.equals("$near_now_ns"), arg, act, path);
            default:
                throw new CaseDefinitionError("unknown matcher " + op);
        }
    }

    private static List<String> names(JsonNode arg) {
        List<String> out = new ArrayList<>();
        if (arg.isArray()) {
            arg.forEach(n -> out.add(n.asText()));
        } else {
            out.add(arg.asText());
        }
        return out;
    }

    private static boolean type(JsonNode arg, JsonNode act) {
        for (String name : names(arg)) {
            Predicate<JsonNode> p = TYPES.get(name);
            if (p == null) {
                throw new CaseDefinitionError("unknown $type " + name);
            }
            if (p.test(act)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyMatches(JsonNode matchers, JsonNode act, String path) {
        for (JsonNode m : matchers) {
            if (JsonMatcher.match(m, act, path) == null) {
                return true;
            }
        }
        return false;
    }

    private static String keySet(String op, JsonNode arg, JsonNode act, String path) {
        if (!act.isObject()) {
            return path + ": expected object, got " + Show.json(act);
        }
        Set<String> want = new HashSet<>(names(arg));
        Set<String> got = JsonMatcher.keys(act);
        switch (op) {
            case "$keys":
                return want.equals(got) ? null : JsonMatcher.keyDifference(path, want, got);
            case "$has_keys":
                return got.containsAll(want) ? null
                        : path + ": missing keys " + Show.keyList(JsonMatcher.minus(want, got));
            case "$lacks_keys": {
                Set<String> both = new HashSet<>(want);
                both.retainAll(got);
                return both.isEmpty() ? null : path + ": unexpected keys " + Show.keyList(both);
            }
            default: // $allowed_keys
                return want.containsAll(got) ? null
                        : path + ": unexpected keys " + Show.keyList(JsonMatcher.minus(got, want));
        }
    }

    private static String fields(JsonNode arg, JsonNode act, String path) {
        if (!act.isObject()) {
            return path + ": expected object, got " + Show.json(act);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = arg.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!act.has(e.getKey())) {
                return path + ": missing key " + Show.string(e.getKey());
            }
            String r = JsonMatcher.match(e.getValue(), act.get(e.getKey()), path + "." + e.getKey());
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static String each(JsonNode arg, JsonNode act, String path) {
        if (!act.isArray()) {
            return path + ": expected array, got " + Show.json(act);
        }
        for (int i = 0; i < act.size(); i++) {
            String r = JsonMatcher.match(arg, act.get(i), path + "[" + i + "]");
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static String contains(boolean wanted, JsonNode arg, JsonNode act, String path) {
        if (!act.isArray()) {
            return path + ": expected array, got " + Show.json(act);
        }
        for (JsonNode e : arg) {
            boolean found = anyElementMatches(act, e, path);
            if (wanted && !found) {
                return path + ": no element matches " + Show.json(e) + " in " + Show.json(act, 400);
            }
            if (!wanted && found) {
                return path + ": unexpected element matching " + Show.json(e) + " in " + Show.json(act, 400);
            }
        }
        return null;
    }

    /** Whether some element of {@code actuals} matches {@code matcher}. */
    private static boolean anyElementMatches(JsonNode actuals, JsonNode matcher, String path) {
        for (JsonNode a : actuals) {
            if (JsonMatcher.match(matcher, a, path) == null) {
                return true;
            }
        }
        return false;
    }

    /** Length of an array, string (code points, like Python) or object; -1 for other types. */
    private static int length(JsonNode act) {
        if (act.isArray() || act.isObject()) {
            return act.size();
        }
        if (act.isTextual()) {
            return act.textValue().codePointCount(0, act.textValue().length());
        }
        return -1;
    }

    private static String compare(String op, JsonNode arg, JsonNode act, String path) {
        if (!act.isNumber()) {
            return path + ": expected number, got " + Show.json(act);
        }
        if (!arg.isNumber()) {
            throw new CaseDefinitionError(op + " needs a number, got " + arg);
        }
        int c = JsonMatcher.compareNumbers(act, arg);
        boolean ok = switch (op) {
            case "$ge" -> c >= 0;
            case "$gt" -> c > 0;
            case "$le" -> c <= 0;
            default -> c < 0;
        };
        return ok ? null : path + ": expected " + op.substring(1) + " " + arg + ", got " + Show.json(act);
    }

    private static String nearNow(boolean nanos, JsonNode arg, JsonNode act, String path) {
        double now = System.currentTimeMillis() / 1000.0;
        boolean ok = act.isNumber() && Math.abs(act.doubleValue() / (nanos ? 1e9 : 1.0) - now) <= arg.asDouble();
        return ok ? null : path + ": expected a time within " + arg + "s of now (" + (nanos ? "ns" : "s")
                + "), got " + Show.json(act);
    }
}
