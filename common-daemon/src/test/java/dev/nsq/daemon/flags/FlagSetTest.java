package dev.nsq.daemon.flags;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FlagSetTest {
    @Test
    void parsesGoStyleFlags() {
        String[] s = {""};
        long[] n = {0};
        long[] d = {0};
        boolean[] b = {false};
        List<String> list = new ArrayList<>();
        FlagSet f = new FlagSet("x")
                .string("tcp-address", "0.0.0.0:4150", "", v -> s[0] = v)
                .integer("mem-queue-size", 10000, "", v -> n[0] = v)
                .duration("msg-timeout", 60000, "", v -> d[0] = v)
                .bool("snappy", true, "", v -> b[0] = v)
                .list("lookupd-tcp-address", "", list::add);
        f.parse("--tcp-address=1.2.3.4:1", "-mem-queue-size", "5", "--msg-timeout", "2s", "--snappy",
                "--lookupd-tcp-address=a:1", "--lookupd-tcp-address", "b:2");
        assertEquals("1.2.3.4:1", s[0]);
        assertEquals(5, n[0]);
        assertEquals(2000, d[0]);
        assertTrue(b[0]);
        assertEquals(List.of("a:1", "b:2"), list);
        assertTrue(f.usage().contains("-msg-timeout value"));
    }

    @Test
    void unknownFlagAndBadValueAreErrors() {
        FlagSet f = new FlagSet("x").integer("n", 1, "", v -> { });
        assertThrows(FlagSet.FlagException.class, () -> f.parse("--nope"));
        assertThrows(FlagSet.FlagException.class, () -> f.parse("--n=abc"));
        assertThrows(FlagSet.FlagException.class, () -> f.parse("--n"));
    }

    @Test
    void boolOrStringFlagIsTrueWhenBareAndTakesWordsAfterAnEqualsSign() {
        String[] v = {"false"};
        new FlagSet("nsqd").boolOrString("tls-required", "false", "", x -> v[0] = x).parse("--tls-required");
        assertEquals("true", v[0]);
        new FlagSet("nsqd").boolOrString("tls-required", "false", "", x -> v[0] = x).parse("--tls-required=tcp-https", "rest");
        assertEquals("tcp-https", v[0]);
    }
}
