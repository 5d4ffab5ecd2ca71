package dev.nsq.daemon.logging;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class LogPrefixTest {
    @Test
    void thePrefixFlagReplacesTheTextBeforeEachLine() {
        PrintStream savedErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8)); // logback-test.xml logs there, as the daemons do
        try {
            assertTrue(LogPrefix.apply("[my-nsqd 100%] "));
            LoggerFactory.getLogger("t").warn("TOPIC(x): created");
            assertTrue(LogPrefix.apply(""));
            LoggerFactory.getLogger("t").warn("second");
        } finally {
            System.setErr(savedErr);
            LogPrefix.apply("[test] ");
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, captured.toString(StandardCharsets.UTF_8));
        assertTrue(lines[0].startsWith("[my-nsqd 100%] ") && lines[0].endsWith("TOPIC(x): created"), lines[0]);
        assertFalse(lines[1].startsWith("["), lines[1]);
        assertTrue(lines[1].endsWith("second"), lines[1]);
    }

    @Test
    void escapingKeepsPatternSyntaxLiteral() {
        assertEquals("[a] ", LogPrefix.escape("[a] "));
        assertEquals("50\\% \\(x\\) \\\\", LogPrefix.escape("50% (x) \\"));
        assertEquals("%d %msg%n", LogPrefix.withoutPrefix("[nsqd] %d %msg%n"));
        assertEquals("%d", LogPrefix.withoutPrefix("a\\%b %d"));
    }
}
