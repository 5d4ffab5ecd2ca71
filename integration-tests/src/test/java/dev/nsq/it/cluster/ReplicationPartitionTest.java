package dev.nsq.it.cluster;

import dev.nsq.it.cluster.ReplCluster.Leader;
import dev.nsq.it.cluster.ReplCluster.Node;
import dev.nsq.it.cluster.ReplCluster.Replication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.nsq.it.cluster.ReplicationProcessTest.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A replicated topic's leader cut off from the rest of the cluster by a real network partition
 * (iptables drops, see {@link Partition}) while clients still reach every node, as when a switch
 * port dies between nsqd but not towards the applications. The majority side elects a new leader;
 * the cut-off leader must not acknowledge what it cannot replicate (with the default
 * {@code --replication-min-in-sync=2} it has no in-sync follower left), or if it does, those
 * messages must still be delivered after the partition heals; once healed it follows the new leader
 * and lookupd lists the new leader alone. Skipped where partitions cannot be made (no root, no
 * iptables cgroup match, no cgroup2), with the reason.
 */
@Timeout(240)
class ReplicationPartitionTest {
    @Test
    void leaderCutOffFromTheClusterLosesNoAcknowledgedMessageAndFollowsAfterTheHeal(TestInfo info) throws Exception {
        String why = Partition.unavailable();
        assumeTrue(why == null, () -> "no network partition possible here: " + why);
        String topic = "repl_partition";
        try (Partition net = new Partition();
             ReplCluster c = new ReplCluster(logDir("replication-it", info), 3, REPLICATED, Partition.loopbackHosts(4), net::cgroup)) {
            double up = c.start();
            System.out.printf("ReplicationPartitionTest: 1 nsqlookupd + 3 nsqd on their own loopback addresses and cgroups up in %.1f s (%s)%n",
                    up, c.logs());
            Leader l0 = createReplicated(c, topic);
            Node old = l0.node(), via = nonReplica(c, l0);
            assertEquals(200, c.post(old, "/channel/create?topic=" + topic + "&channel=ch", ""));
            try (Consumer k = consumer(c, topic);
                 Publishes toOld = new Publishes(old.tcpAddr(), topic);
                 Publishes toMajority = new Publishes(via.tcpAddr(), topic)) {
                assertEquals(300, toMajority.pub(Publishes.bodies("p-pre", 0, 300)), toMajority.summary());

                Map<String, String> side = Map.of(old.name, old.host), rest = new LinkedHashMap<>();
                rest.put("lookupd", c.lookupdHost);
                for (Node n : c.nsqds) if (n != old) rest.put(n.name, n.host);
                net.cut(side, rest);
                long cutAt = System.nanoTime();

                // clients go on publishing on both sides of the cut
                AtomicBoolean stop = new AtomicBoolean();
                Thread oldSide = publisher(toOld, "p-old", stop), majority = publisher(toMajority, "p-maj", stop);
                Leader l1;
                double failover;
                try {
                    l1 = awaitNewLeader(c, topic, l0, FAILOVER);
                    failover = secondsSince(cutAt);
                    assertNotEquals(old, l1.node());
                    long left = 20_000 - (System.nanoTime() - cutAt) / 1_000_000;
                    if (left > 0) Thread.sleep(left);
                } finally {
                    stop.set(true);
                    oldSide.join(60_000);
                    majority.join(60_000);
                }
                int ackedByCutOff = toOld.acked.size();
                String cutOffSummary = toOld.summary(), majoritySummary = toMajority.summary();

                net.heal();
                long healedAt = System.nanoTime();
                Node now = l1.node();
                // (a node that stays outside the cluster long after a heal may be waiting for Hazelcast's
                // split-brain merge, 300 s by default)
                awaitFollowsOrLeft(c, topic, old, now, "after the heal the old leader " + old, Duration.ofSeconds(60));
                double follows = secondsSince(healedAt);
                await("lookupd lists " + now + " alone").atMost(Duration.ofSeconds(30)).pollInterval(POLL)
                        .until(() -> c.lookup(topic).equals(List.of(now.tcpAddr())));
                assertAgreedLeader(c, topic, now);

                Set<String> acked = new HashSet<>(toOld.acked);
                acked.addAll(toMajority.acked);
                awaitConsumed(c, topic, k, acked, Duration.ofSeconds(90));
                System.out.printf("ReplicationPartitionTest: leader %s cut off for 20 s: %s led epoch %d->%d after %.1f s; publishing "
                                + "to the cut-off leader: %s; through %s on the majority side: %s; after the heal %s followed in %.1f s; "
                                + "all %d acked consumed (%d deliveries, %d duplicates)%n",
                        old, now, l0.epoch(), l1.epoch(), failover, cutOffSummary, via, majoritySummary, old, follows, acked.size(),
                        k.deliveries.get(), k.deliveries.get() - k.bodies.size());
                if (ackedByCutOff > 0) {
                    System.out.printf("ReplicationPartitionTest: NOTE the cut-off leader acknowledged %d messages it could not replicate%n",
                            ackedByCutOff);
                }
            }
        }
    }

    private static Thread publisher(Publishes pub, String prefix, AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            int next = 0;
            while (!stop.get()) {
                if (pub.pub(Publishes.bodies(prefix, next, 10)) < 10) ReplicationProcessTest.sleep(100);
                next += 10;
            }
        }, "publisher-" + prefix);
        t.start();
        return t;
    }
}
