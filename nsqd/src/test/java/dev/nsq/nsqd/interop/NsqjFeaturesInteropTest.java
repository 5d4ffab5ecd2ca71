package dev.nsq.nsqd.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sproutsocial.nsq.Client;
import com.sproutsocial.nsq.Config;
import com.sproutsocial.nsq.DirectSubscriber;
import com.sproutsocial.nsq.Message;
import com.sproutsocial.nsq.Publisher;
import dev.nsq.nsqd.NsqdOptions;
import dev.nsq.nsqd.support.TestAuthServer;
import dev.nsq.nsqd.support.TestCerts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static dev.nsq.nsqd.support.TestAuthServer.authz;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The unmodified nsq-j 1.2 client negotiating each IDENTIFY feature it implements: TLS (through the
 * Client's SSLSocketFactory), deflate (JDK Deflater/Inflater), snappy (snappy-java's framed
 * streams) and AUTH (the Client's auth secret), alone and stacked on TLS. Both its Publisher and its DirectSubscriber use the features;
 * /stats confirms server-side what the subscriber's connection negotiated.
 */
class NsqjFeaturesInteropTest {
    private static final int COUNT = 300;
    private static final TestCerts SERVER = TestCerts.selfSigned("localhost");

    @TempDir Path dataPath;
    private InteropNsqd nsqd;
    private Client pubClient;
    private Publisher publisher;
    private DirectSubscriber subscriber;
    private TestAuthServer auth;

    @AfterEach
    void stopAll() throws Exception {
        if (subscriber != null) subscriber.stop();
        if (publisher != null) publisher.stop();
        if (pubClient != null) pubClient.stop();
        // DirectSubscriber only uses the default client: leave it as other tests expect it
        Client.getDefaultClient().setSSLSocketFactory(null);
        Client.getDefaultClient().setAuthSecret((byte[]) null);
        if (nsqd != null) nsqd.close();
        if (auth != null) auth.close();
    }

    private static Config config(boolean tls, boolean snappy, boolean deflate) {
        Config c = new Config();
        c.setTlsV1(tls);
        c.setSnappy(snappy);
        c.setDeflate(deflate);
        if (deflate) c.setDeflateLevel(4);
        return c;
    }

    @ParameterizedTest(name = "tls={0} snappy={1} deflate={2} auth={3}")
    @CsvSource({"true,false,false,false", "false,true,false,false", "false,false,true,false",
            "true,true,false,false", "true,false,true,false", "false,false,false,true", "true,false,true,true"})
    void publishesAndConsumesWithNegotiatedFeatures(boolean tls, boolean snappy, boolean deflate, boolean withAuth) throws Exception {
        String topic = "nsqj_feat_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        if (withAuth) {
            auth = new TestAuthServer();
            auth.grant("j-secret", 3600, "nsqj", "[" + authz("^" + topic + "$", "[\".*\"]", "[\"subscribe\",\"publish\"]") + "]");
        }
        nsqd = InteropNsqd.start(dataPath, o -> {
            o.tlsCert = SERVER.certPath;
            o.tlsKey = SERVER.keyPath;
            o.httpsAddress = "";
            // with TLS asked for, require it: a client that did not upgrade could not publish at all
            if (tls) o.tlsRequired = NsqdOptions.TlsRequired.TCP_HTTPS;
            if (withAuth) o.authHttpAddresses.add(auth.address());
        });
        Client.getDefaultClient().setSSLSocketFactory(TestCerts.client(SERVER, null).getSocketFactory());

        pubClient = new Client();
        pubClient.setSSLSocketFactory(TestCerts.client(SERVER, null).getSocketFactory());
        if (withAuth) {
            pubClient.setAuthSecret("j-secret");
            Client.getDefaultClient().setAuthSecret("j-secret");
        }
        publisher = new Publisher(pubClient, nsqd.tcpAddress(), null);
        publisher.setConfig(config(tls, snappy, deflate));
        Set<String> published = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < COUNT; ) {
            if (i % 3 == 0) {
                String b = topic + "-" + i++;
                publisher.publish(topic, b.getBytes(StandardCharsets.UTF_8));
                published.add(b);
            } else {
                List<byte[]> batch = new ArrayList<>();
                for (int j = 0; j < 7 && i < COUNT; j++) {
                    String b = topic + "-" + i++ + "-" + "z".repeat(j * 40);
                    batch.add(b.getBytes(StandardCharsets.UTF_8));
                    published.add(b);
                }
                publisher.publish(topic, batch);
            }
        }
        assertEquals(COUNT, published.size());

        Set<String> received = ConcurrentHashMap.newKeySet();
        subscriber = new DirectSubscriber(60, nsqd.tcpAddress());
        subscriber.setConfig(config(tls, snappy, deflate));
        subscriber.subscribe(topic, "ch", 50, (Message m) -> {
            received.add(new String(m.getData(), StandardCharsets.UTF_8));
            m.finish();
        });
        await("all delivered").atMost(Duration.ofSeconds(60)).until(() -> received.containsAll(published));
        assertEquals(published, received);

        JsonNode client = await("subscriber in /stats").atMost(Duration.ofSeconds(10))
                .until(() -> subscriberStats(topic), n -> !n.isMissingNode());
        assertEquals(tls, client.path("tls").asBoolean(), client.toString());
        assertEquals(snappy, client.path("snappy").asBoolean(), client.toString());
        assertEquals(deflate, client.path("deflate").asBoolean(), client.toString());
        if (withAuth) {
            assertTrue(auth.requests.size() >= 2, "publisher and subscriber authenticated: " + auth.requests);
            assertTrue(auth.requests.stream().allMatch(q -> q.query().contains("secret=j-secret") && q.query().contains("tls=" + tls)));
        }
        await("channel drained").atMost(Duration.ofSeconds(30)).until(() -> nsqd.channelDrained(topic, "ch", COUNT));
    }

    private JsonNode subscriberStats(String topic) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + nsqd.httpPort() + "/stats?format=json&topic=" + topic)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body()).path("topics").path(0).path("channels").path(0).path("clients").path(0);
    }
}
