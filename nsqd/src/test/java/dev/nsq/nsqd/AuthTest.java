package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.support.TestAuthServer;
import dev.nsq.nsqd.support.TestCerts;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.Upgrades;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

import static dev.nsq.nsqd.support.TestAuthServer.authz;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/** AUTH against a real HTTP auth server: grants, refusals, TTL re-checks, an unreachable server. */
class AuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    TestAuthServer auth;
    TestNsqd nsqd;
    final String topic = "a" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void startAuth() throws Exception {
        auth = new TestAuthServer();
        auth.grant("all", 3600, "alice", "[" + authz(".*", "[\".*\"]", "[\"subscribe\",\"publish\"]") + "]");
        auth.grant("reader", 3600, "bob", "[" + authz("^" + topic + "$", "[\"^ch$\"]", "[\"subscribe\"]") + "]");
        auth.grant("nothing", 3600, "carol", "[]");
    }

    @AfterEach
    void stop() throws Exception {
        if (nsqd != null) nsqd.close();
        auth.close();
    }

    private void start(Consumer<NsqdOptions> tweak) throws Exception {
        nsqd = new TestNsqd(dir, o -> {
            o.authHttpAddresses.add(auth.address());
            tweak.accept(o);
        });
    }

    private static Frame authenticate(WireClient c, String secret) throws Exception {
        c.cmd("AUTH", secret);
        return c.read();
    }

    private static void assertFatal(WireClient c, String text) throws Exception {
        Frame f = c.readSkippingHeartbeats(5000);
        assertEquals(1, f.type(), f.toString());
        assertEquals(text, f.text());
        assertTrue(c.closedWithin(2000), "closed after " + text);
    }

    @Test
    void authRequiredIsAnnouncedAndCommandsBeforeAuthAreRefused() throws Exception {
        start(o -> {});
        try (WireClient c = nsqd.connect()) {
            c.cmd("IDENTIFY", "{\"feature_negotiation\":true}");
            assertTrue(JSON.readTree(c.read().data()).get("auth_required").asBoolean());
            c.cmd("PUB " + topic, "x");
            assertFatal(c, "E_AUTH_FIRST AUTH required before PUB");
        }
        try (WireClient c = nsqd.connect()) {
            c.cmd("SUB " + topic + " ch");
            assertFatal(c, "E_AUTH_FIRST AUTH required before SUB");
        }
        try (WireClient c = nsqd.connect()) {
            c.cmd("MPUB " + topic); // judged before the body, as NSQ
            assertFatal(c, "E_AUTH_FIRST AUTH required before MPUB");
        }
        try (WireClient c = nsqd.connect()) {
            c.cmd("DPUB " + topic + " 10", "x");
            assertFatal(c, "E_AUTH_FIRST AUTH required before DPUB");
        }
        assertTrue(auth.requests.isEmpty());
    }

    @Test
    void authorizedClientPublishesAndSubscribes() throws Exception {
        start(o -> {});
        try (WireClient c = nsqd.connect()) {
            Frame f = authenticate(c, "all");
            assertEquals(0, f.type(), f.toString());
            assertEquals("{\"identity\":\"alice\",\"identity_url\":\"https://id.example/alice\",\"permission_count\":1}", f.text());
            c.cmd("PUB " + topic, "hello");
            assertEquals("OK", c.read().text());
            c.cmd("MPUB " + topic, WireClient.mpubBody("m1", "m2"));
            assertEquals("OK", c.read().text());
            c.cmd("DPUB " + topic + " 0", "d");
            assertEquals("OK", c.read().text());
            c.cmd("SUB " + topic + " ch");
            assertEquals("OK", c.read().text());
            c.cmd("RDY 10");
            for (int i = 0; i < 4; i++) assertTrue(c.readSkippingHeartbeats(5000).isMessage());
            var client = JSON.readTree(nsqd.get("/stats?format=json&topic=" + topic).body())
                    .path("topics").path(0).path("channels").path(0).path("clients").path(0);
            assertTrue(client.path("authed").asBoolean(), client.toString());
            assertEquals("alice", client.path("auth_identity").asText());
            assertEquals("https://id.example/alice", client.path("auth_identity_url").asText());
        }
        TestAuthServer.Request r = auth.requests.get(0);
        assertEquals("GET", r.method());
        assertEquals("common_name=&remote_ip=127.0.0.1&secret=all&tls=false", r.query());
        assertEquals("application/vnd.nsq; version=1.0", r.accept());
        assertEquals(1, auth.requests.size(), "one query while the grant is valid");
    }

    @Test
    void grantsAreJudgedByPermissionTopicAndChannel() throws Exception {
        start(o -> {});
        try (WireClient c = nsqd.connect()) {
            assertEquals(0, authenticate(c, "reader").type());
            c.cmd("PUB " + topic, "x");
            assertFatal(c, "E_UNAUTHORIZED AUTH failed for PUB on \"" + topic + "\" \"\"");
        }
        try (WireClient c = nsqd.connect()) {
            assertEquals(0, authenticate(c, "reader").type());
            c.cmd("SUB " + topic + " other");
            assertFatal(c, "E_UNAUTHORIZED AUTH failed for SUB on \"" + topic + "\" \"other\"");
        }
        try (WireClient c = nsqd.connect()) {
            assertEquals(0, authenticate(c, "reader").type());
            c.cmd("SUB " + topic + "x ch");
            assertFatal(c, "E_UNAUTHORIZED AUTH failed for SUB on \"" + topic + "x\" \"ch\"");
        }
        try (WireClient c = nsqd.connect()) {
            assertEquals(0, authenticate(c, "reader").type());
            c.cmd("SUB " + topic + " ch");
            assertEquals("OK", c.read().text());
        }
    }

    @Test
    void refusedSecretsAndEmptyGrantsEndTheConnection() throws Exception {
        start(o -> {});
        try (WireClient c = nsqd.connect()) {
            c.cmd("AUTH", "unknown"); // our auth server answers 403
            assertFatal(c, "E_AUTH_FAILED AUTH failed");
        }
        try (WireClient c = nsqd.connect()) {
            c.cmd("AUTH", "nothing");
            assertFatal(c, "E_UNAUTHORIZED AUTH no authorizations found");
        }
        auth.answer("badttl", 200, "{\"ttl\":0,\"authorizations\":[" + authz(".*", "[\".*\"]", "[\"publish\"]") + "]}");
        auth.answer("badperm", 200, "{\"ttl\":60,\"authorizations\":[" + authz(".*", "[\".*\"]", "[\"admin\"]") + "]}");
        auth.answer("badregex", 200, "{\"ttl\":60,\"authorizations\":[" + authz("(", "[\".*\"]", "[\"publish\"]") + "]}");
        for (String s : new String[]{"badttl", "badperm", "badregex"}) {
            try (WireClient c = nsqd.connect()) {
                c.cmd("AUTH", s);
                assertFatal(c, "E_AUTH_FAILED AUTH failed");
            }
        }
    }

    @Test
    void secondAuthAndMalformedAuthAreRefused() throws Exception {
        start(o -> {});
        try (WireClient c = nsqd.connect()) {
            assertEquals(0, authenticate(c, "all").type());
            c.cmd("AUTH", "all");
            assertFatal(c, "E_INVALID AUTH already set");
        }
        try (WireClient c = nsqd.connect()) {
            c.cmd("AUTH extra", "all");
            assertFatal(c, "E_INVALID AUTH invalid number of parameters");
        }
    }

    @Test
    void authIsDisabledWithoutAnAuthServer() throws Exception {
        nsqd = new TestNsqd(dir, o -> {});
        try (WireClient c = nsqd.connect()) {
            c.cmd("IDENTIFY", "{\"feature_negotiation\":true}");
            assertFalse(JSON.readTree(c.read().data()).get("auth_required").asBoolean());
            c.cmd("AUTH", "all");
            assertFatal(c, "E_AUTH_DISABLED AUTH disabled");
        }
    }

    @Test
    void expiredGrantIsCheckedAgainOnTheNextCommand() throws Exception {
        start(o -> {});
        auth.grant("short", 1, "dave", "[" + authz(".*", "[\".*\"]", "[\"publish\"]") + "]");
        try (WireClient c = nsqd.connect()) {
            assertEquals(0, authenticate(c, "short").type());
            c.cmd("PUB " + topic, "while valid");
            assertEquals("OK", c.read().text());
            // the auth server now only allows subscribing: once the 1 s grant expires, the next
            // PUB re-queries and is refused
            auth.grant("short", 1, "dave", "[" + authz(".*", "[\".*\"]", "[\"subscribe\"]") + "]");
            String[] last = new String[1];
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                c.cmd("PUB " + topic, "again");
                last[0] = c.read().text();
                return !last[0].equals("OK");
            });
            assertEquals("E_UNAUTHORIZED AUTH failed for PUB on \"" + topic + "\" \"\"", last[0]);
            assertTrue(c.closedWithin(2000));
        }
        assertEquals(2, auth.requests.size(), "AUTH, then one re-check after expiry");
    }

    @Test
    void unreachableAuthServerFailsAuthAndReChecks() throws Exception {
        start(o -> {});
        auth.grant("short", 1, "erin", "[" + authz(".*", "[\".*\"]", "[\"publish\"]") + "]");
        try (WireClient c = nsqd.connect()) {
            assertEquals(0, authenticate(c, "short").type());
            auth.close(); // the auth server goes away
            String[] last = new String[1];
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                c.cmd("PUB " + topic, "x");
                last[0] = c.read().text();
                return !last[0].equals("OK");
            });
            assertEquals("E_AUTH_FAILED AUTH failed", last[0]);
        }
        try (WireClient c = nsqd.connect()) {
            c.cmd("AUTH", "all");
            assertFatal(c, "E_AUTH_FAILED AUTH failed");
        }
    }

    @Test
    void postMethodSendsTheParametersAsJson() throws Exception {
        start(o -> o.authHttpRequestMethod = "post");
        try (WireClient c = nsqd.connect()) {
            assertEquals(0, authenticate(c, "all").type());
        }
        TestAuthServer.Request r = auth.requests.get(0);
        assertEquals("POST", r.method());
        assertNull(r.query());
        assertEquals(JSON.readTree("{\"common_name\":[\"\"],\"remote_ip\":[\"127.0.0.1\"],\"secret\":[\"all\"],\"tls\":[\"false\"]}"),
                JSON.readTree(r.body()));
    }

    @Test
    void anAuthServerRequiringTlsIsAskedAgainOnTheHttpsPortItNames() throws Exception {
        TestCerts certs = TestCerts.selfSigned("localhost");
        com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(certs.keyManagers(), null, null);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
        java.util.List<String> queries = new java.util.concurrent.CopyOnWriteArrayList<>();
        https.createContext("/auth", ex -> {
            queries.add(ex.getRequestURI().getRawQuery());
            byte[] out = ("{\"ttl\":3600,\"identity\":\"dave\",\"authorizations\":["
                    + authz(".*", "[\".*\"]", "[\"publish\"]") + "]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
            try (var os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        https.start();
        try {
            // the plain server answers as a TLS-requiring NSQ daemon does
            auth.answer("via-https", 403, "{\"message\":\"TLS_REQUIRED\",\"https_port\":" + https.getAddress().getPort() + "}");
            nsqd = new TestNsqd(dir, o -> {
                o.authHttpAddresses.add(auth.address().replace("127.0.0.1", "localhost")); // the certificate's name
                o.tlsRootCaFile = certs.certPath; // trusted for HTTPS auth servers, as NSQ does
            });
            try (WireClient c = nsqd.connect()) {
                Frame f = authenticate(c, "via-https");
                assertEquals(0, f.type(), f.toString());
                assertTrue(f.text().contains("\"identity\":\"dave\""), f.text());
            }
            assertEquals(1, auth.requests.size());
            assertEquals(java.util.List.of("common_name=&remote_ip=127.0.0.1&secret=via-https&tls=false"), queries);
        } finally {
            https.stop(0);
        }
    }

    @Test
    void tlsClientsSendTheirCertificateCommonName() throws Exception {
        TestCerts server = TestCerts.selfSigned("localhost");
        TestCerts client = TestCerts.selfSigned("worker-7");
        start(o -> {
            o.tlsCert = server.certPath;
            o.tlsKey = server.keyPath;
            o.httpsAddress = "";
            o.tlsClientAuthPolicy = "require";
        });
        try (WireClient c = nsqd.connect()) {
            c.cmd("IDENTIFY", "{\"feature_negotiation\":true,\"tls_v1\":true}");
            JsonNode r = JSON.readTree(c.read().data());
            assertTrue(r.get("auth_required").asBoolean());
            Upgrades.tls(c, TestCerts.client(server, client));
            assertEquals("OK", c.read().text());
            assertEquals(0, authenticate(c, "all").type());
            c.cmd("PUB " + topic, "x");
            assertEquals("OK", c.read().text());
        }
        assertEquals("common_name=worker-7&remote_ip=127.0.0.1&secret=all&tls=true", auth.requests.get(0).query());
    }

    @Test
    void httpPublishIsNotSubjectToAuthAsInNsq13() throws Exception {
        start(o -> {});
        assertEquals(200, nsqd.post("/pub?topic=" + topic, "no auth over http").statusCode());
        assertTrue(auth.requests.isEmpty());
    }
}
