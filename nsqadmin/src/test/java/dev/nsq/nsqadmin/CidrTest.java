package dev.nsq.nsqadmin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CidrTest {
    @Test
    void loopbackSlash8ContainsEvery127Address() {
        Cidr c = Cidr.parse("127.0.0.1/8");
        assertNotNull(c);
        assertTrue(c.contains("127.0.0.1"));
        assertTrue(c.contains("127.255.3.4"));
        assertFalse(c.contains("10.0.0.1"));
        assertFalse(c.contains("::1"), "an IPv6 address is never inside an IPv4 network");
        assertFalse(c.contains(null));
        assertFalse(c.contains("localhost"), "names are not resolved");
    }

    @Test
    void ipv6AndEdgePrefixes() {
        assertTrue(Cidr.parse("::1/128").contains("0:0:0:0:0:0:0:1"));
        assertTrue(Cidr.parse("0.0.0.0/0").contains("8.8.8.8"));
        assertNull(Cidr.parse("10.0.0.0/33"));
        assertNull(Cidr.parse("10.0.0.0"));
        assertNull(Cidr.parse("example.com/8"));
    }
}
