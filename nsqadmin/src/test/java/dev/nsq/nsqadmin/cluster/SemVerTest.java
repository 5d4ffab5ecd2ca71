package dev.nsq.nsqadmin.cluster;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SemVerTest {
    @Test
    void ordersVersionsAsSemverDoes() {
        assertTrue(SemVer.parse("1.3.0").compareTo(SemVer.parse("1.2.1")) > 0);
        assertTrue(SemVer.parse("v1.3.0").compareTo(SemVer.parse("1.3.0-alpha")) > 0);
        assertEquals(0, SemVer.parse("1.3.0+build").compareTo(SemVer.parse("1.3.0")));
        assertEquals(SemVer.ZERO, SemVer.parse("garbage"));
        assertEquals(SemVer.ZERO, SemVer.parse(null));
    }
}
