package dev.nsq.it.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.client.ClientConfig;
import dev.nsq.client.Consumer;
import dev.nsq.client.Producer;
import dev.nsq.nsqd.Nsqd;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The client's IDENTIFY upgrades against our nsqd: TLS, snappy, deflate and TLS with either
 * compression, each carrying PUB, MPUB and a consumer's deliveries and FINs; nsqd's /stats shows
 * what was negotiated.
 */
class UpgradesTest {
    @TempDir
    static Path data;
    static Nsqd nsqd;
    static SelfSignedCertificate cert;

    @BeforeAll
    static void start() throws Exception {
        cert = SelfSignedCertificate.create("localhost");
        nsqd = Local.nsqd(data, o -> {
            o.tlsCert = cert.certificatePath();
            o.tlsKey = cert.privateKeyPath();
            o.httpsAddress = "127.0.0.1:0"; // a certificate also opens HTTPS, by default on 4152
        });
    }

    @AfterAll
    static void stop() throws Exception { Local.sync(nsqd.stop()); }

    /** By name, so the certificate (made for "localhost") matches. */
    private static String address() { return "localhost:" + nsqd.tcpPort(); }

    private static ClientConfig config(String upgrades) {
        ClientConfig cfg = new ClientConfig();
        cfg.maxInFlight = 50;
        cfg.tlsV1 = upgrades.contains("tls");
        cfg.tlsRootCaFile = cert.certificatePath();
        cfg.snappy = upgrades.contains("snappy");
        cfg.deflate = upgrades.contains("deflate");
        return cfg;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls", "snappy", "deflate", "tls+snappy", "tls+deflate"})
    void messagesFlowBothWaysOverTheUpgradedConnection(String upgrades) throws Exception {
        String topic = Local.topic("up");
        ClientConfig cfg = config(upgrades);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(201);
        Consumer c = new Consumer(topic, "ch", cfg).handler(m -> {
            if (seen.add(new String(m.body(), StandardCharsets.UTF_8))) all.countDown();
        });
        try (Producer p = new Producer(address(), cfg)) {
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < 200; i++) bodies.add(("m" + i + "-" + "x".repeat(i)).getBytes(StandardCharsets.UTF_8));
            p.multiPublish(topic, bodies).get(10, TimeUnit.SECONDS);
            p.publish(topic, "one more".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            c.connectToNsqd(address()).get(10, TimeUnit.SECONDS);
            assertTrue(all.await(15, TimeUnit.SECONDS), "received " + seen.size() + " of 201");
            JsonNode client = Local.channelStats(nsqd, topic, "ch").path("clients").get(0);
            assertEquals(cfg.tlsV1, client.path("tls").asBoolean(), client.toString());
            assertEquals(cfg.snappy, client.path("snappy").asBoolean(), client.toString());
            assertEquals(cfg.deflate, client.path("deflate").asBoolean(), client.toString());
        } finally {
            c.stop().get(20, TimeUnit.SECONDS);
        }
        // every delivery was FINed through the upgraded stream: nothing is left in flight or queued
        JsonNode ch = Local.channelStats(nsqd, topic, "ch");
        assertEquals(0, ch.path("in_flight_count").asLong(), ch.toString());
        assertEquals(0, ch.path("depth").asLong(), ch.toString());
    }

    @Test
    void anUntrustedCertificateFailsTheConnectionAndSkipVerifyAcceptsIt() throws Exception {
        ClientConfig untrusted = config("tls");
        untrusted.tlsRootCaFile = ""; // the JVM's trust store does not know our self-signed certificate
        try (Producer p = new Producer(address(), untrusted)) {
            assertThrows(ExecutionException.class, () -> p.publish(Local.topic("up"), new byte[]{1}).get(10, TimeUnit.SECONDS));
        }
        ClientConfig insecure = config("tls");
        insecure.tlsRootCaFile = "";
        insecure.tlsInsecureSkipVerify = true;
        try (Producer p = new Producer(Local.tcp(nsqd), insecure)) { // by IP: no name check either
            p.publish(Local.topic("up"), new byte[]{1}).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUpgradeNsqdDeclinesLeavesTheConnectionPlain(@TempDir Path other) throws Exception {
        Nsqd plain = Local.nsqd(other, o -> o.snappy = false); // and no certificate: no TLS either
        try (Producer p = new Producer(Local.tcp(plain), config("tls+snappy"))) {
            String topic = Local.topic("plain");
            p.publish(topic, "still works".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            assertEquals(1, Local.topicMessageCount(plain, topic));
        } finally {
            Local.sync(plain.stop());
        }
    }

    @Test
    void aClientCertificateSatisfiesRequireVerify(@TempDir Path other) throws Exception {
        SelfSignedCertificate client = SelfSignedCertificate.create("client");
        Nsqd strict = Local.nsqd(other, o -> {
            o.tlsCert = cert.certificatePath();
            o.tlsKey = cert.privateKeyPath();
            o.tlsClientAuthPolicy = "require-verify";
            o.tlsRootCaFile = client.certificatePath(); // self-signed: its own CA
            o.httpsAddress = "127.0.0.1:0";
        });
        String address = "localhost:" + strict.tcpPort();
        try {
            try (Producer p = new Producer(address, config("tls"))) { // no client certificate
                assertThrows(ExecutionException.class, () -> p.publish(Local.topic("mtls"), new byte[]{1}).get(10, TimeUnit.SECONDS));
            }
            ClientConfig withCert = config("tls");
            withCert.tlsCert = client.certificatePath();
            withCert.tlsKey = client.privateKeyPath();
            try (Producer p = new Producer(address, withCert)) {
                // nsqd answered OK over the verified connection (a client policy makes TLS required,
                // so its plain HTTP /stats answers 403 TLS_REQUIRED, as NSQ's)
                p.publish(Local.topic("mtls"), "verified".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            }
        } finally {
            Local.sync(strict.stop());
        }
    }
}
