package dev.nsq.it.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.nsq.it.cluster.Daemons.freePorts;
import static dev.nsq.it.cluster.Daemons.getJson;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The cluster as compose runs it: every daemon its own JVM on loopback (2 nsqlookupd, 2 nsqd joined
 * over Hazelcast and registered over TCP V1 too), a real client (nsq-j) consuming through the
 * lookupds. One nsqd is killed with -9 in the middle of the stream and restarted; every message a
 * publish acknowledged is delivered at least once. Then a lookupd is stopped and restarted and gets
 * its registrations back.
 */
class ProcessClusterTest {
    private static final String TOPIC = "procs";
    private static final int TOTAL = 2_000;
    private static final int BATCH = 10;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    @TempDir Path dir;

    @Test
    void killDashNineOfAnNsqdMidStreamLosesNoAcknowledgedMessageAndLookupdsRecover() throws Exception {
        int[] p = freePorts(12);
        String members = "127.0.0.1:" + p[8] + ",127.0.0.1:" + p[9] + ",127.0.0.1:" + p[10] + ",127.0.0.1:" + p[11];
        String lookupTcp1 = "127.0.0.1:" + p[0], lookupTcp2 = "127.0.0.1:" + p[2];
        List<DaemonProcess> all = new ArrayList<>();
        try {
            DaemonProcess l1 = lookupd("lookupd1", p[0], p[1], members, p[8]);
            DaemonProcess l2 = lookupd("lookupd2", p[2], p[3], members, p[9]);
            DaemonProcess a = nsqd("nsqd-a", p[4], p[5], members, p[10], lookupTcp1, lookupTcp2);
            DaemonProcess b = nsqd("nsqd-b", p[6], p[7], members, p[11], lookupTcp1, lookupTcp2);
            all.addAll(List.of(l1, l2, a, b));
            for (DaemonProcess d : all) d.launch();
            for (DaemonProcess d : all) d.awaitReady();
            for (DaemonProcess n : List.of(a, b)) {
                assertEquals(200, post(n.httpPort, "/topic/create?topic=" + TOPIC, ""));
                assertEquals(200, post(n.httpPort, "/channel/create?topic=" + TOPIC + "&channel=ch", ""));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> producers(l1).size() == 2 && producers(l2).size() == 2);

            Set<String> acked = new HashSet<>();
            int refused = 0;
            try (Consumer c = new Consumer(TOPIC, "ch", "127.0.0.1:" + p[1], "127.0.0.1:" + p[3])) {
                await().atMost(Duration.ofSeconds(30)).until(() -> c.connections() == 2);
                int next = 0;
                boolean bKilled = false, bBack = false;
                while (next < TOTAL) {
                    if (!bKilled && next >= TOTAL / 2) {
                        b.kill(); // mid-stream: messages of b are queued on disk and in flight to the consumer
                        bKilled = true;
                    }
                    if (bKilled && !bBack && next >= TOTAL * 3 / 4) {
                        b.start(); // same ports, same data directory
                        bBack = true;
                    }
                    List<String> bodies = new ArrayList<>();
                    for (int k = 0; k < BATCH; k++) bodies.add(String.format("m-%05d", next + k));
                    DaemonProcess first = (next / BATCH) % 2 == 0 ? a : b;
                    DaemonProcess other = first == a ? b : a;
                    if (mpub(first, bodies) || (++refused > 0 && mpub(other, bodies))) acked.addAll(bodies);
                    next += BATCH;
                }
                assertEquals(TOTAL, acked.size(), "every batch was acknowledged by one nsqd or the other");
                await().atMost(Duration.ofSeconds(90)).until(() -> c.bodies.containsAll(acked));
                System.out.printf("ProcessClusterTest: %d messages acknowledged through 2 nsqd processes (%d batches refused by "
                                + "the killed one and published through the other); nsqd-b killed -9 after %d and restarted after %d; "
                                + "consumer got all %d (%d deliveries, so %d at-least-once repeats)%n",
                        acked.size(), refused, TOTAL / 2, TOTAL * 3 / 4, c.bodies.size(), c.deliveries.get(),
                        c.deliveries.get() - c.bodies.size());
            }

            // a lookupd stopped and restarted gets every registration back from the nsqds at once
            assertEquals(143, l2.terminate(), "lookupd exits on SIGTERM");
            assertEquals(2, producers(l1).size(), "the other lookupd still answers");
            l2.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> producers(l2).size() == 2);
            System.out.printf("ProcessClusterTest: lookupd2 restarted and lists %s%n", producers(l2));
        } finally {
            for (DaemonProcess d : all) d.close();
        }
    }

    private DaemonProcess lookupd(String name, int tcp, int httpPort, String members, int clusterPort) {
        return new DaemonProcess(name, "dev.nsq.nsqlookupd.Main", httpPort, dir.resolve(name + ".log"), List.of(
                "--tcp-address=127.0.0.1:" + tcp, "--http-address=127.0.0.1:" + httpPort, "--broadcast-address=127.0.0.1",
                "--cluster-members=" + members, "--cluster-port=" + clusterPort));
    }

    private DaemonProcess nsqd(String name, int tcp, int httpPort, String members, int clusterPort, String... lookupds) {
        List<String> flags = new ArrayList<>(List.of("--tcp-address=127.0.0.1:" + tcp, "--http-address=127.0.0.1:" + httpPort,
                "--broadcast-address=127.0.0.1", "--data-path=" + dir.resolve(name), "--mem-queue-size=0", "--sync-every=1",
                "--cluster-members=" + members, "--cluster-port=" + clusterPort));
        for (String l : lookupds) flags.add("--lookupd-tcp-address=" + l);
        return new DaemonProcess(name, "dev.nsq.nsqd.Main", httpPort, dir.resolve(name + ".log"), flags);
    }

    private List<Integer> producers(DaemonProcess lookupd) throws Exception {
        List<Integer> ports = new ArrayList<>();
        getJson(lookupd.httpPort, "/lookup?topic=" + TOPIC).path("producers").forEach(n -> ports.add(n.path("tcp_port").asInt()));
        return ports;
    }

    /** True when the nsqd acknowledged the batch (200); false when it refused or could not be reached. */
    private boolean mpub(DaemonProcess nsqd, List<String> bodies) {
        try {
            return post(nsqd.httpPort, "/mpub?topic=" + TOPIC, String.join("\n", bodies)) == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private int post(int port, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
