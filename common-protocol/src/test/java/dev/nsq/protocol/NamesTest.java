package dev.nsq.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class NamesTest {
    @Test
    void acceptsNsqNames() {
        assertTrue(Names.isValid("a"));
        assertTrue(Names.isValid("A.b_c-1"));
        assertTrue(Names.isValid("x".repeat(64)));
        assertTrue(Names.isValid("x".repeat(54) + "#ephemeral"));
        assertTrue(Names.isEphemeral("t#ephemeral"));
    }

    @Test
    void rejectsWhatNsqRejects() {
        assertFalse(Names.isValid(""));
        assertFalse(Names.isValid("x".repeat(65)));
        assertFalse(Names.isValid("x".repeat(55) + "#ephemeral"), "suffix counts toward 64");
        assertFalse(Names.isValid("#ephemeral"));
        assertFalse(Names.isValid("bad!name"));
        assertFalse(Names.isValid("a b"));
        assertFalse(Names.isValid("a#eph"));
        assertFalse(Names.isValid("é"));
    }

    @Test
    void quotesLikeGo() {
        assertEquals("\"bad!name\"", Names.goQuote("bad!name"));
        assertEquals("\"a\\\"b\\\\c\\n\\x01\"", Names.goQuote("a\"b\\c\n\u0001"));
    }
}
