package dev.nsq.it.conformance;

import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonMatcherTest {
    private static final JsonMapper JSON = new JsonMapper();

    private static String match(String exp, String act) throws Exception {
        return JsonMatcher.match(JSON.readTree(exp), JSON.readTree(act));
    }

    @Test
    void plainValuesAreExactAndTypeStrict() throws Exception {
        assertNull(match("{\"a\": [1, \"x\", null]}", "{\"a\": [1.0, \"x\", null]}"));
        assertEquals("$.a: expected 1, got true", match("{\"a\": 1}", "{\"a\": true}"));
        assertEquals("$: key set differs (missing ['b'], unexpected ['c'])", match("{\"b\": 1}", "{\"c\": 1}"));
        assertEquals("$: expected 2 elements, got 1: [1]", match("[1, 2]", "[1]"));
        assertEquals("$: expected \"1\", got 1", match("\"1\"", "1"));
    }

    @Test
    void typeRegexAndStr() throws Exception {
        assertNull(match("{\"$type\": [\"int\", \"null\"]}", "null"));
        assertEquals("$: expected type int, got 1.5", match("{\"$type\": \"int\"}", "1.5"));
        assertEquals("$: expected type number, got true", match("{\"$type\": \"number\"}", "true"));
        assertNull(match("{\"$regex\": \"^app\"}", "\"application/json\""));
        assertEquals("$: expected string matching /^x/, got 5", match("{\"$regex\": \"^x\"}", "5"));
        assertNull(match("{\"$str\": \"4150\"}", "4150"));
        assertNull(match("{\"$str\": \"4150\"}", "\"4150\""));
    }

    @Test
    void keySetOperators() throws Exception {
        String obj = "{\"a\": 1, \"b\": 2}";
        assertNull(match("{\"$keys\": [\"b\", \"a\"], \"$has_keys\": [\"a\"], \"$lacks_keys\": [\"z\"]}", obj));
        assertEquals("$: unexpected keys ['b']", match("{\"$allowed_keys\": [\"a\"]}", obj));
        assertEquals("$: missing keys ['z']", match("{\"$has_keys\": [\"z\"]}", obj));
        assertEquals("$.b: expected 3, got 2", match("{\"$fields\": {\"b\": 3}}", obj));
        assertEquals("$: missing key \"z\"", match("{\"$fields\": {\"z\": 3}}", obj));
    }

    @Test
    void arrayOperators() throws Exception {
        assertNull(match("{\"$each\": {\"$type\": \"int\"}, \"$len\": 3}", "[1, 2, 3]"));
        assertNull(match("{\"$contains\": [2], \"$not_contains\": [5]}", "[1, 2, 3]"));
        assertNull(match("{\"$unordered\": [{\"$gt\": 2}, 1, {\"$any\": true}]}", "[3, 1, 2]"));
        assertEquals("$[1]: expected type int, got \"x\"", match("{\"$each\": {\"$type\": \"int\"}}", "[1, \"x\"]"));
        assertEquals("$: expected 2 elements (any order), got 1: [1]", match("{\"$unordered\": [1, 1]}", "[1]"));
    }

    @Test
    void logicAndComparisons() throws Exception {
        assertNull(match("{\"$one_of\": [1, \"a\"]}", "\"a\""));
        assertNull(match("{\"$not\": {\"$type\": \"string\"}}", "1"));
        assertNull(match("{\"$eq\": {\"$type\": \"x\"}}", "{\"$type\": \"x\"}"));
        assertNull(match("{\"$ge\": 2, \"$lt\": 3}", "2"));
        assertEquals("$: expected gt 2, got 2", match("{\"$gt\": 2}", "2"));
        long nowNs = System.currentTimeMillis() * 1_000_000L;
        assertNull(match("{\"$near_now_ns\": 5}", Long.toString(nowNs)));
        assertNull(match("{\"$near_now_s\": 5}", Long.toString(nowNs / 1_000_000_000L)));
        assertEquals("$: expected a time within 5s of now (s), got 0", match("{\"$near_now_s\": 5}", "0"));
    }

    @Test
    void unknownOperatorIsACaseError() {
        assertThrows(CaseDefinitionError.class, () -> match("{\"$bogus\": 1}", "1"));
    }
}
