package dev.nsq.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientConfigTest {
    @Test
    void goNsqOptionNamesAndDurationsAreAccepted() {
        ClientConfig c = new ClientConfig();
        c.set("max_in_flight", "200");
        c.set("heartbeat_interval", "10s");
        c.set("lookupd_poll_interval", "1m30s");
        c.set("backoff_multiplier", "250ms");
        c.set("auth_secret", "s");
        c.set("tls_v1", "true");
        c.set("snappy", "true");
        c.set("deflate_level", "3");
        assertTrue(c.tlsV1 && c.snappy && c.deflateLevel == 3 && c.copy().tlsV1);
        assertEquals(200, c.maxInFlight);
        assertEquals(10_000, c.heartbeatIntervalMs);
        assertEquals(90_000, c.lookupdPollIntervalMs);
        assertEquals(250, c.backoffMultiplierMs);
        ClientConfig copy = c.copy();
        assertEquals("s", copy.authSecret);
        assertEquals(200, copy.maxInFlight);
        assertThrows(IllegalArgumentException.class, () -> c.set("no_such_option", "1"));
    }
}
