package dev.nsq.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClientConfigTest {
    @Test
    void goNsqOptionNamesAndDurationsAreAccepted() {
        ClientConfig c = new ClientConfig();
        c.set("max_in_flight", "200");
        c.set("heartbeat_interval", "10s");
        c.set("lookupd_poll_interval", "1m30s");
        c.set("backoff_multiplier", "250ms");
        c.set("auth_secret", "s");
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
