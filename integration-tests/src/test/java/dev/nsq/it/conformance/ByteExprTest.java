package dev.nsq.it.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ByteExprTest {
    private static final JsonMapper JSON = new JsonMapper();

    private static String hex(String exprJson) throws Exception {
        Variables vars = new Variables();
        vars.put("t", "topic");
        JsonNode expr = JSON.readTree(exprJson);
        return HexFormat.of().formatHex(ByteExpr.build(expr, vars));
    }

    @Test
    void stringsAreExpandedUtf8() throws Exception {
        assertEquals(HexFormat.of().formatHex("PUB topic\n".getBytes()), hex("\"PUB ${t}\\n\""));
        assertEquals("c3a9", hex("{\"text\": \"é\"}"));
    }

    @Test
    void listsConcatenate() throws Exception {
        assertEquals("6100ff62", hex("[\"a\", {\"hex\": \"00 ff\"}, \"b\"]"));
    }

    @Test
    void integersAreBigEndian() throws Exception {
        assertEquals("ffffffff", hex("{\"u32\": 4294967295}"));
        assertEquals("ffffffff", hex("{\"i32\": -1}"));
        assertEquals("0102", hex("{\"u16\": 258}"));
        assertEquals("ffffffffffffffff", hex("{\"u64\": 18446744073709551615}"));
        assertEquals("fffffffffffffffe", hex("{\"i64\": -2}"));
        assertThrows(CaseDefinitionError.class, () -> hex("{\"u32\": 4294967296}"));
    }

    @Test
    void repeatSizedAndJson() throws Exception {
        assertEquals("787878", hex("{\"repeat\": \"x\", \"count\": 3}"));
        assertEquals("000000026869", hex("{\"sized\": \"hi\"}"));
        // compact, key order kept, non-ASCII escaped like Python's json.dumps
        assertEquals(HexFormat.of().formatHex("{\"a\":1,\"b\":[\"topic\",\"\\u00e9\"]}".getBytes()),
                hex("{\"json\": {\"a\": 1, \"b\": [\"${t}\", \"é\"]}}"));
    }

    @Test
    void mpubCountsAndSizesMessages() throws Exception {
        assertEquals("00000002" + "0000000161" + "000000026263", hex("{\"mpub\": [\"a\", \"bc\"]}"));
        assertEquals("00000005" + "0000000161", hex("{\"mpub\": [\"a\"], \"count\": 5}"));
    }

    @Test
    void nullIsEmptyAndUnknownShapesAreCaseErrors() throws Exception {
        assertEquals("", hex("null"));
        assertThrows(CaseDefinitionError.class, () -> hex("{\"nope\": 1}"));
        assertThrows(CaseDefinitionError.class, () -> hex("7"));
    }
}
