package dev.nsq.daemon;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HttpsRedirectTest {
    private static final String TLS_REQUIRED = "{\"message\": \"TLS_REQUIRED\", \"https_port\": 4152}";

    @Test
    void aTlsRequiredAnswerNamesTheSameRequestOverHttps() {
        assertEquals("https://10.0.0.7:4152/stats?format=json&topic=a%20b",
                HttpsRedirect.httpsUrl("http://10.0.0.7:4151/stats?format=json&topic=a%20b", 403, TLS_REQUIRED));
        assertEquals("https://localhost:4152/auth", HttpsRedirect.httpsUrl("http://localhost/auth", 403, TLS_REQUIRED));
    }

    @Test
    void anythingElseIsNoRedirect() {
        assertNull(HttpsRedirect.httpsUrl("https://h:4152/stats", 403, TLS_REQUIRED), "already https");
        assertNull(HttpsRedirect.httpsUrl("http://h:4151/stats", 500, TLS_REQUIRED), "not a 403");
        assertNull(HttpsRedirect.httpsUrl("http://h:4151/stats", 403, "{\"message\":\"FORBIDDEN\"}"), "no port");
        assertNull(HttpsRedirect.httpsUrl("http://h:4151/stats", 403, "FORBIDDEN"), "not JSON");
    }
}
