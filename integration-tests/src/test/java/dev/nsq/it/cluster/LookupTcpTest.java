package dev.nsq.it.cluster;

import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqlookupd.Nsqlookupd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.nsq.it.cluster.Daemons.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * nsqd registering with nsqlookupd over the lookup protocol V1 only (no cluster): two nsqd, one
 * lookupd, a real client that knows only the lookupd.
 */
class LookupTcpTest {
    @TempDir Path dir;

    @Test
    void consumerFindsEveryNsqdThroughLookupdOverTcpV1() throws Exception {
        Nsqlookupd lookupd = lookupd(o -> { });
        String lookupTcp = "127.0.0.1:" + lookupd.tcpPort();
        Nsqd a = nsqd(dir.resolve("a"), o -> o.lookupdTcpAddresses.add(lookupTcp));
        Nsqd b = nsqd(dir.resolve("b"), o -> o.lookupdTcpAddresses.add(lookupTcp));
        try {
            assertEquals(200, post(a.httpPort(), "/pub?topic=tcpv1", "from-a"));
            assertEquals(200, post(b.httpPort(), "/pub?topic=tcpv1", "from-b"));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    producerTcpPorts(lookupd, "tcpv1").equals(List.of(a.tcpPort(), b.tcpPort()).stream().sorted().toList()));

            try (Consumer c = new Consumer("tcpv1", "ch", "127.0.0.1:" + lookupd.httpPort())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> c.bodies.containsAll(List.of("from-a", "from-b")));
                // the channel registered by the consumer's SUB is known to lookupd
                await().atMost(Duration.ofSeconds(5)).until(() -> channels(lookupd, "tcpv1").contains("ch"));
            }

            // a topic first created on a node later gets the channels lookupd knows (NSQ's pre-creation)
            assertEquals(200, post(a.httpPort(), "/topic/create?topic=pre", ""));
            assertEquals(200, post(a.httpPort(), "/channel/create?topic=pre&channel=archive", ""));
            await().atMost(Duration.ofSeconds(10)).until(() -> channels(lookupd, "pre").contains("archive"));
            assertEquals(200, post(b.httpPort(), "/pub?topic=pre", "first-on-b"));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    getJson(b.httpPort(), "/stats?format=json&topic=pre").path("topics").path(0).path("channels").path(0)
                            .path("depth").asInt() == 1);

            // stopping a node removes it
            sync(b.stop());
            await().atMost(Duration.ofSeconds(10)).until(() -> producerTcpPorts(lookupd, "tcpv1").equals(List.of(a.tcpPort())));
        } finally {
            sync(a.stop());
            sync(lookupd.stop());
        }
    }

    @Test
    void restartedLookupdGetsEverythingBackFromTheNsqds() throws Exception {
        Nsqlookupd first = lookupd(o -> { });
        int tcpPort = first.tcpPort();
        Nsqd a = nsqd(dir.resolve("a"), o -> o.lookupdTcpAddresses.add("127.0.0.1:" + tcpPort));
        try {
            assertEquals(200, post(a.httpPort(), "/topic/create?topic=back", ""));
            assertEquals(200, post(a.httpPort(), "/channel/create?topic=back&channel=c", ""));
            await().atMost(Duration.ofSeconds(10)).until(() -> channels(first, "back").contains("c"));
            sync(first.stop());
            Nsqlookupd second = lookupd(o -> o.tcpAddress = "127.0.0.1:" + tcpPort);
            try {
                // the next PING finds the connection gone, reconnects and re-registers everything
                await().atMost(Duration.ofSeconds(15)).until(() -> producerTcpPorts(second, "back").equals(List.of(a.tcpPort()))
                        && channels(second, "back").contains("c"));
            } finally {
                sync(second.stop());
            }
        } finally {
            sync(a.stop());
        }
    }

    @Test
    void lookupdAddressesCanChangeAtRunTime() throws Exception {
        Nsqlookupd lookupd = lookupd(o -> { });
        Nsqd a = nsqd(dir.resolve("a"), o -> { });
        try {
            assertEquals(200, post(a.httpPort(), "/topic/create?topic=late", ""));
            var put = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + a.httpPort() + "/config/nsqlookupd_tcp_addresses"))
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("[\"127.0.0.1:" + lookupd.tcpPort() + "\"]")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, put.statusCode());
            await().atMost(Duration.ofSeconds(10)).until(() -> producerTcpPorts(lookupd, "late").equals(List.of(a.tcpPort())));
        } finally {
            sync(a.stop());
            sync(lookupd.stop());
        }
    }
}
