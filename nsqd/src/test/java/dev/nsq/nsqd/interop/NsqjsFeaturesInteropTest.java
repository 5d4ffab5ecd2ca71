package dev.nsq.nsqd.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.nsqd.NsqdOptions;
import dev.nsq.nsqd.support.TestAuthServer;
import dev.nsq.nsqd.support.TestCerts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.nsq.nsqd.support.TestAuthServer.authz;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The unmodified nsqjs 0.13.0 Writer and Reader negotiating each IDENTIFY feature it implements:
 * TLS (Node's tls, verifying our certificate through the ca option), snappy (snappystream over
 * the native snappy module), deflate (Node's zlib) and AUTH (authSecret). interop.js reads /stats
 * while its Reader is subscribed, so the test sees what nsqd agreed to, not what was asked for.
 */
class NsqjsFeaturesInteropTest {
    private static final int COUNT = 300;
    private static final TestCerts SERVER = TestCerts.selfSigned("localhost");

    @TempDir Path tmp;
    private InteropNsqd nsqd;
    private TestAuthServer auth;

    @AfterEach
    void stop() throws Exception {
        if (nsqd != null) nsqd.close();
        if (auth != null) auth.close();
    }

    @ParameterizedTest(name = "tls={0} snappy={1} deflate={2} auth={3}")
    @CsvSource({"true,false,false,false", "false,true,false,false", "false,false,true,false",
            "true,true,false,false", "true,false,true,false", "false,false,false,true", "true,true,false,true"})
    void publishesAndConsumesWithNegotiatedFeatures(boolean tls, boolean snappy, boolean deflate, boolean withAuth) throws Exception {
        NodeInterop node = new NodeInterop(tmp);
        String topic = "nsqjs_feat_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        if (withAuth) {
            auth = new TestAuthServer();
            auth.grant("js-secret", 3600, "nsqjs", "[" + authz("^" + topic + "$", "[\".*\"]", "[\"subscribe\",\"publish\"]") + "]");
        }
        nsqd = InteropNsqd.start(Files.createDirectories(tmp.resolve("data")), o -> {
            o.tlsCert = SERVER.certPath;
            o.tlsKey = SERVER.keyPath;
            o.httpsAddress = "";
            if (tls) o.tlsRequired = NsqdOptions.TlsRequired.TCP_HTTPS;
            if (withAuth) o.authHttpAddresses.add(auth.address());
        });
        List<String> args = new ArrayList<>(List.of("--nsqd-tcp", nsqd.tcpAddress(), "--topic", topic,
                "--channel", "ch", "--count", Integer.toString(COUNT), "--timeout", "60",
                "--nsqd-http", "127.0.0.1:" + nsqd.httpPort(),
                "--tls", Boolean.toString(tls), "--snappy", Boolean.toString(snappy), "--deflate", Boolean.toString(deflate)));
        if (tls) args.addAll(List.of("--ca", SERVER.certPath));
        if (deflate) args.addAll(List.of("--deflate-level", "3"));
        if (withAuth) args.addAll(List.of("--auth-secret", "js-secret"));

        NodeInterop.Result r = node.interop(90, args.toArray(new String[0]));
        System.out.println("nsqjs features interop stdout: " + r.stdout().strip());
        assertEquals(0, r.exitCode(), "interop.js failed\n" + r);
        JsonNode summary = r.summary();
        assertEquals(COUNT, summary.path("published").asInt(), r.toString());
        assertEquals(COUNT, summary.path("unique").asInt(), r.toString());
        JsonNode negotiated = summary.path("negotiated");
        assertEquals(tls, negotiated.path("tls").asBoolean(), r.toString());
        assertEquals(snappy, negotiated.path("snappy").asBoolean(), r.toString());
        assertEquals(deflate, negotiated.path("deflate").asBoolean(), r.toString());
        if (withAuth) {
            assertFalse(auth.requests.isEmpty());
            assertTrue(auth.requests.stream().allMatch(q -> q.query().contains("secret=js-secret")
                    && q.query().contains("tls=" + tls)), auth.requests.toString());
        }
        await("channel drained").atMost(Duration.ofSeconds(30)).until(() -> nsqd.channelDrained(topic, "ch", COUNT));
    }
}
