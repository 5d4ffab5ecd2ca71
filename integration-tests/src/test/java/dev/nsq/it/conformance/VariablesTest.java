package dev.nsq.it.conformance;

import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VariablesTest {
    @Test
    void expandsReferencesOnce() {
        Variables v = new Variables();
        v.put("a", "${b}");
        v.put("b", "x$1\\");
        assertEquals("[${b}|x$1\\]", v.expand("[${a}|${b}]"));
        assertEquals("$notavar ${ 1}", v.expand("$notavar ${ 1}"));
    }

    @Test
    void undefinedVariableFailsTheStep() {
        StepFailure e = assertThrows(StepFailure.class, () -> new Variables().expand("t_${nope}"));
        assertEquals("undefined variable ${nope}", e.getMessage());
    }

    @Test
    void expandsKeysAndValuesOfTrees() throws Exception {
        Variables v = new Variables();
        v.put("k", "key");
        v.put("t", "val");
        JsonMapper m = new JsonMapper();
        assertEquals(m.readTree("{\"key\": [\"val\", 1, true, null]}"),
                v.expandTree(m.readTree("{\"${k}\": [\"${t}\", 1, true, null]}")));
    }

    @Test
    void casesExpandBuiltInsAndCapturedValuesThroughDottedPaths() throws Exception {
        JsonMapper m = new JsonMapper();
        assertEquals("3", HttpSteps.at(m.readTree("{\"a\": [{\"b\": 3}]}"), "a.0.b").toString());
        assertEquals(null, HttpSteps.at(m.readTree("{\"a\": 1}"), "a.b"));
        assertEquals("127.0.0.1", ConformanceRunner.parse(":4150").getHostString());
        assertEquals(4151, ConformanceRunner.parse("localhost:4151").getPort());
    }
}
