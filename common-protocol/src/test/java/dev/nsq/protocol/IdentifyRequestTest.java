package dev.nsq.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class IdentifyRequestTest {
    @Test
    void decodesKnownKeysAndIgnoresOthers() throws Exception {
        IdentifyRequest r = IdentifyRequest.decode(("{\"client_id\":\"c\",\"hostname\":\"h\",\"user_agent\":\"u\","
                + "\"feature_negotiation\":true,\"heartbeat_interval\":5000,\"msg_timeout\":2000,\"extra\":[1]}").getBytes());
        assertEquals("c", r.clientId);
        assertTrue(r.featureNegotiation);
        assertEquals(5000, r.heartbeatInterval);
        assertEquals(2000, r.msgTimeout);
    }

    @Test
    void wrongTypesFailLikeGoJson() {
        assertThrows(IdentifyRequest.DecodeException.class, () -> IdentifyRequest.decode("{\"heartbeat_interval\":\"1000\"}".getBytes()));
        assertThrows(IdentifyRequest.DecodeException.class, () -> IdentifyRequest.decode("{\"feature_negotiation\":1}".getBytes()));
        assertThrows(IdentifyRequest.DecodeException.class, () -> IdentifyRequest.decode("{\"msg_timeout\":1.5}".getBytes()));
        assertThrows(IdentifyRequest.DecodeException.class, () -> IdentifyRequest.decode("{not json".getBytes()));
    }
}
