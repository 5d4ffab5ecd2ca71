package dev.nsq.it.cluster;

import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqlookupd.Nsqlookupd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.nsq.it.cluster.Daemons.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Two nsqd and two nsqlookupd joined over the clustered event bus (Hazelcast, TCP-IP join on
 * 127.0.0.1), plus a third nsqd that only speaks TCP V1 to the first lookupd (the mixed setup).
 * One scenario, because forming a cluster costs seconds.
 */
class ClusterTest {
    @TempDir Path dir;

    @Test
    void registrationsFlowOverTheEventBusAndFollowNodesComingAndGoing() throws Exception {
        int[] ports = freePorts(4);
        List<String> members = new ArrayList<>();
        for (int p : ports) members.add("127.0.0.1:" + p);
        List<AutoCloseable> cleanup = new ArrayList<>();
        try {
            Nsqlookupd l1 = lookupd(o -> { o.cluster.members.addAll(members); o.cluster.port = ports[0]; });
            cleanup.add(() -> sync(l1.stop()));
            Nsqlookupd l2 = lookupd(o -> { o.cluster.members.addAll(members); o.cluster.port = ports[1]; });
            // node a registers with l1 both ways (event bus and TCP V1): it must still count once
            Nsqd a = nsqd(dir.resolve("a"), o -> {
                o.cluster.members.addAll(members);
                o.cluster.port = ports[2];
                o.lookupdTcpAddresses.add("127.0.0.1:" + l1.tcpPort());
            });
            cleanup.add(() -> sync(a.stop()));
            Nsqd b = nsqd(dir.resolve("b"), o -> { o.cluster.members.addAll(members); o.cluster.port = ports[3]; });
            Nsqd tcpOnly = nsqd(dir.resolve("c"), o -> o.lookupdTcpAddresses.add("127.0.0.1:" + l1.tcpPort()));
            cleanup.add(() -> sync(tcpOnly.stop()));

            // topics published on both cluster nodes appear in both lookupds
            assertEquals(200, post(a.httpPort(), "/pub?topic=clustered", "from-a"));
            assertEquals(200, post(b.httpPort(), "/pub?topic=clustered", "from-b"));
            List<Integer> both = sorted(a.tcpPort(), b.tcpPort());
            await().atMost(Duration.ofSeconds(20)).until(() -> producerTcpPorts(l1, "clustered").equals(both)
                    && producerTcpPorts(l2, "clustered").equals(both));

            // mixed: the TCP-only node shows up in the lookupd it talks to, beside the cluster nodes
            assertEquals(200, post(tcpOnly.httpPort(), "/pub?topic=clustered", "from-c"));
            List<Integer> three = sorted(a.tcpPort(), b.tcpPort(), tcpOnly.tcpPort());
            await().atMost(Duration.ofSeconds(10)).until(() -> producerTcpPorts(l1, "clustered").equals(three));
            assertEquals(3, getJson(l1.httpPort(), "/nodes").path("producers").size(), "one entry per node in /nodes");

            // a real client that only knows one lookupd receives from every node
            try (Consumer c = new Consumer("clustered", "ch", "127.0.0.1:" + l2.httpPort())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> c.bodies.containsAll(List.of("from-a", "from-b")));
            }
            // through the lookupd that also knows the TCP-only node: connected to all three, it gets
            // what each publishes from now on (a new channel starts empty where the topic had channels)
            try (Consumer c = new Consumer("clustered", "ch2", "127.0.0.1:" + l1.httpPort())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> c.connections() == 3);
                assertEquals(200, post(a.httpPort(), "/pub?topic=clustered", "again-a"));
                assertEquals(200, post(b.httpPort(), "/pub?topic=clustered", "again-b"));
                assertEquals(200, post(tcpOnly.httpPort(), "/pub?topic=clustered", "again-c"));
                await().atMost(Duration.ofSeconds(20)).until(() -> c.bodies.containsAll(List.of("again-a", "again-b", "again-c")));
            }

            // stopping a node removes it from every lookupd (it leaves the cluster)
            sync(b.stop());
            List<Integer> onlyA = List.of(a.tcpPort());
            await().atMost(Duration.ofSeconds(20)).until(() -> producerTcpPorts(l2, "clustered").equals(onlyA));

            // a restarted lookupd gets its view back from the nsqds at once (RESYNC), not after minutes
            sync(l2.stop());
            Nsqlookupd l2again = lookupd(o -> { o.cluster.members.addAll(members); o.cluster.port = ports[1]; });
            cleanup.add(() -> sync(l2again.stop()));
            await().atMost(Duration.ofSeconds(20)).until(() -> producerTcpPorts(l2again, "clustered").equals(onlyA)
                    && channels(l2again, "clustered").containsAll(List.of("ch", "ch2")));
            System.out.printf("ClusterTest: 2 lookupd + 2 nsqd over Hazelcast ports %s, 1 nsqd over TCP V1; "
                    + "producers seen %s, after stop %s, after lookupd restart %s%n",
                    members, three, onlyA, producerTcpPorts(l2again, "clustered"));
        } finally {
            for (int i = cleanup.size() - 1; i >= 0; i--) {
                try {
                    cleanup.get(i).close();
                } catch (Exception ignored) {
                }
            }
        }
    }

    private static List<Integer> sorted(int... ports) {
        return java.util.Arrays.stream(ports).sorted().boxed().toList();
    }
}
