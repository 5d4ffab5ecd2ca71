package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.daemon.flags.FlagSet;
import dev.nsq.nsqd.support.TestCerts;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.Upgrades;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** The tls_v1 upgrade on TCP, client-certificate policies, --tls-required, and HTTPS. */
class TlsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static TestCerts server;
    static TestCerts trustedClient;
    static TestCerts strangerClient;

    @TempDir Path dir;
    TestNsqd nsqd;
    final String topic = "s" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void certs() {
        server = TestCerts.selfSigned("localhost");
        trustedClient = TestCerts.selfSigned("trusted-client");
        strangerClient = TestCerts.selfSigned("stranger");
    }

    @AfterEach
    void stop() throws Exception { if (nsqd != null) nsqd.close(); }

    private void start(Consumer<NsqdOptions> tweak) throws Exception {
        nsqd = new TestNsqd(dir, o -> {
            o.tlsCert = server.certPath;
            o.tlsKey = server.keyPath;
            o.httpsAddress = "127.0.0.1:0";
            tweak.accept(o);
        });
    }

    private JsonNode identify(WireClient c, String features) throws Exception {
        c.cmd("IDENTIFY", "{\"feature_negotiation\":true" + features + "}");
        Frame f = c.read();
        assertEquals(0, f.type(), f.toString());
        return JSON.readTree(f.data());
    }

    /** IDENTIFY asking for TLS, the handshake, then the OK frame that must come over TLS. */
    private SSLSocket upgradeToTls(WireClient c, SSLContext ctx, String moreFeatures) throws Exception {
        JsonNode r = identify(c, ",\"tls_v1\":true" + moreFeatures);
        assertTrue(r.get("tls_v1").asBoolean());
        SSLSocket s = Upgrades.tls(c, ctx);
        Frame ok = c.read();
        assertEquals(0, ok.type());
        assertEquals("OK", ok.text());
        return s;
    }


    @Test
    void tlsUpgradeSendsOkOverTlsThenCarriesPubAndSub() throws Exception {
        start(o -> {});
        try (WireClient c = nsqd.connect()) {
            SSLSocket s = upgradeToTls(c, TestCerts.client(server, null), "");
            assertEquals("CN=localhost", ((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName());
            Upgrades.roundTrip(c, topic, 200);
            JsonNode client = JSON.readTree(nsqd.get("/stats?format=json&topic=" + topic).body())
                    .path("topics").path(0).path("channels").path(0).path("clients").path(0);
            assertTrue(client.get("tls").asBoolean());
            assertEquals(s.getSession().getProtocol().replace("TLSv", "TLS"), client.get("tls_version").asText());
            assertEquals(s.getSession().getCipherSuite(), client.get("tls_cipher_suite").asText());
        }
    }

    @Test
    void tlsIsNotOfferedWithoutACertificate() throws Exception {
        nsqd = new TestNsqd(dir, o -> {});
        try (WireClient c = nsqd.connect()) {
            assertFalse(identify(c, ",\"tls_v1\":true").get("tls_v1").asBoolean());
            c.cmd("PUB " + topic, "plain");
            assertEquals("OK", c.read().text());
        }
        assertEquals(-1, nsqd.httpsPort());
    }

    @Test
    void snappyAndDeflateStackOnTopOfTls() throws Exception {
        start(o -> {});
        try (WireClient c = nsqd.connect()) {
            upgradeToTls(c, TestCerts.client(server, null), ",\"snappy\":true");
            Upgrades.snappy(c);
            assertEquals("OK", c.read().text());
            Upgrades.roundTrip(c, topic, 100);
        }
        try (WireClient c = nsqd.connect()) {
            upgradeToTls(c, TestCerts.client(server, null), ",\"deflate\":true,\"deflate_level\":1");
            Upgrades.deflate(c, 1);
            assertEquals("OK", c.read().text());
            c.cmd("PUB " + topic, "deflated over tls");
            assertEquals("OK", c.read().text());
        }
    }

    @Test
    void tlsRequiredRefusesEveryCommandButIdentifyUntilUpgraded() throws Exception {
        start(o -> o.tlsRequired = NsqdOptions.TlsRequired.TRUE);
        for (String cmd : new String[]{"NOP", "SUB " + topic + " ch", "FOO"}) {
            try (WireClient c = nsqd.connect()) {
                c.cmd(cmd);
                Frame f = c.read();
                assertEquals(1, f.type());
                assertEquals("E_INVALID cannot " + cmd.split(" ")[0] + " in current state (TLS required)", f.text());
                assertTrue(c.closedWithin(2000));
            }
        }
        try (WireClient c = nsqd.connect()) {
            c.cmd("PUB " + topic, "x");
            assertEquals("E_INVALID cannot PUB in current state (TLS required)", c.read().text());
        }
        try (WireClient c = nsqd.connect()) {
            // IDENTIFY without tls_v1 is allowed, but the next command is still refused
            assertFalse(identify(c, "").get("tls_v1").asBoolean());
            c.cmd("NOP");
            assertEquals("E_INVALID cannot NOP in current state (TLS required)", c.read().text());
        }
        try (WireClient c = nsqd.connect()) {
            upgradeToTls(c, TestCerts.client(server, null), "");
            Upgrades.roundTrip(c, topic, 5);
        }
    }

    @Test
    void requireVerifyAcceptsOnlyClientsSignedByTheRootCa() throws Exception {
        start(o -> {
            o.tlsClientAuthPolicy = "require-verify";
            o.tlsRootCaFile = trustedClient.certPath;
        });
        assertEquals(NsqdOptions.TlsRequired.TRUE, nsqd.nsqd.options().tlsRequired, "implied by the policy");
        try (WireClient c = nsqd.connect()) {
            upgradeToTls(c, TestCerts.client(server, trustedClient), "");
            c.cmd("PUB " + topic, "verified");
            assertEquals("OK", c.read().text());
        }
        for (TestCerts bad : new TestCerts[]{strangerClient, null}) {
            try (WireClient c = nsqd.connect()) {
                identify(c, ",\"tls_v1\":true");
                assertThrows(IOException.class, () -> {
                    Upgrades.tls(c, TestCerts.client(server, bad));
                    c.cmd("PUB " + topic, "x");
                    c.read(); // TLS 1.3 reports a refused client certificate on the first read
                });
            }
        }
    }

    @Test
    void requireAcceptsAnyClientCertificateButNotNone() throws Exception {
        start(o -> o.tlsClientAuthPolicy = "require");
        try (WireClient c = nsqd.connect()) {
            upgradeToTls(c, TestCerts.client(server, strangerClient), "");
            c.cmd("PUB " + topic, "any cert");
            assertEquals("OK", c.read().text());
        }
        try (WireClient c = nsqd.connect()) {
            identify(c, ",\"tls_v1\":true");
            assertThrows(IOException.class, () -> {
                Upgrades.tls(c, TestCerts.client(server, null));
                c.cmd("PUB " + topic, "x");
                c.read();
            });
        }
    }

    @Test
    void minVersionRefusesOlderClients() throws Exception {
        start(o -> o.tlsMinVersion = "TLSv1.3");
        try (WireClient c = nsqd.connect()) {
            identify(c, ",\"tls_v1\":true");
            assertThrows(SSLException.class, () -> Upgrades.tls(c, TestCerts.client(server, null, "TLSv1.2")));
        }
        try (WireClient c = nsqd.connect()) {
            SSLSocket s = upgradeToTls(c, TestCerts.client(server, null), "");
            assertEquals("TLSv1.3", s.getSession().getProtocol());
        }
    }

    @Test
    void clientAuthPolicyImpliesTlsRequiredAndTlsRequiredNeedsACertificate() {
        NsqdOptions o = NsqdOptions.fromArgs("--tls-cert", server.certPath, "--tls-key", server.keyPath,
                "--tls-client-auth-policy", "require");
        assertEquals(NsqdOptions.TlsRequired.TRUE, o.tlsRequired);
        assertEquals(NsqdOptions.TlsRequired.TCP_HTTPS, NsqdOptions.fromArgs("--tls-cert", server.certPath,
                "--tls-key", server.keyPath, "--tls-required=tcp-https").tlsRequired);
        FlagSet.FlagException e = assertThrows(FlagSet.FlagException.class, () -> NsqdOptions.fromArgs("--tls-required=true"));
        assertEquals("cannot require TLS client connections without TLS key and cert", e.getMessage());
        e = assertThrows(FlagSet.FlagException.class, () -> NsqdOptions.fromArgs("--tls-min-version=ssl2"));
        assertEquals("invalid value \"ssl2\" for flag -tls-min-version: unknown tlsVersionOption \"ssl2\"", e.getMessage());
        assertEquals("TLSv1.2", NsqdOptions.fromArgs("--tls-min-version=tls1.2").tlsMinVersion);
    }

    @Test
    void anUnreadableCertificateStopsStartupAndConfigShowsTheTlsOptions() throws Exception {
        Exception e = assertThrows(Exception.class, () -> new TestNsqd(dir, o -> {
            o.tlsCert = dir.resolve("missing.pem").toString();
            o.tlsKey = server.keyPath;
        }));
        assertTrue(String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage()).startsWith("failed to build TLS config - "), e.toString());
        start(o -> {
            o.tlsRequired = NsqdOptions.TlsRequired.TCP_HTTPS;
            o.tlsMinVersion = "TLSv1.2";
        });
        assertEquals("1", nsqd.get("/config/tls_required").body());
        assertEquals("771", nsqd.get("/config/tls_min_version").body());
        assertEquals("\"" + server.certPath + "\"", nsqd.get("/config/tls_cert").body());
    }

    // ---- HTTPS -------------------------------------------------------------------------------

    private HttpClient https() throws Exception {
        return HttpClient.newBuilder().sslContext(TestCerts.client(server, null)).build();
    }

    private URI httpsUri(String path) { return URI.create("https://localhost:" + nsqd.httpsPort() + path); }

    @Test
    void httpsServesTheSameApi() throws Exception {
        start(o -> {});
        HttpClient h = https();
        HttpResponse<String> ping = h.send(HttpRequest.newBuilder(httpsUri("/ping")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ping.statusCode());
        assertEquals("OK", ping.body());
        HttpResponse<String> pub = h.send(HttpRequest.newBuilder(httpsUri("/pub?topic=" + topic))
                .POST(HttpRequest.BodyPublishers.ofString("over https")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, pub.statusCode());
        assertEquals("OK", pub.body());
        JsonNode stats = JSON.readTree(nsqd.get("/stats?format=json&topic=" + topic).body());
        assertEquals(1, stats.path("topics").path(0).path("message_count").asInt());
    }

    @Test
    void tlsRequiredTurnsPlainHttpIntoAPointerToHttps() throws Exception {
        start(o -> o.tlsRequired = NsqdOptions.TlsRequired.TRUE);
        for (String path : new String[]{"/ping", "/stats", "/nope"}) {
            HttpResponse<String> r = nsqd.get(path);
            assertEquals(403, r.statusCode());
            assertEquals("{\"message\": \"TLS_REQUIRED\", \"https_port\": " + nsqd.httpsPort() + "}", r.body());
            assertEquals("nsq; version=1.0", r.headers().firstValue("X-NSQ-Content-Type").orElse(""));
        }
        HttpResponse<String> r = nsqd.post("/pub?topic=" + topic, "x");
        assertEquals(403, r.statusCode());
        assertEquals(200, https().send(HttpRequest.newBuilder(httpsUri("/ping")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void tcpHttpsLeavesPlainHttpOpen() throws Exception {
        start(o -> o.tlsRequired = NsqdOptions.TlsRequired.TCP_HTTPS);
        assertEquals(200, nsqd.get("/ping").statusCode());
        try (WireClient c = nsqd.connect()) {
            c.cmd("NOP");
            assertEquals("E_INVALID cannot NOP in current state (TLS required)", c.read().text());
        }
    }
}
