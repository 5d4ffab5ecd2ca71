package dev.nsq.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.it.cluster.ReplCluster.Leader;
import dev.nsq.it.cluster.ReplCluster.Node;
import dev.nsq.it.cluster.ReplCluster.Replication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Replicated topics (issue #17) as operators run them: one nsqlookupd and three nsqd, each its own
 * JVM on loopback, joined over Hazelcast, every nsqd with {@code --replication-factor=2} and
 * registered with the lookupd; real clients (our Producer publishing over TCP, the unmodified nsq-j
 * consumer finding producers through lookupd). Leaders are killed with -9, frozen with SIGSTOP past
 * Hazelcast's failure detector (6 s without heartbeat) and restarted; every message a publish
 * acknowledged must reach the consumer, exactly one nsqd leads the topic and is the one lookupd
 * lists. Each test has a cluster of its own (about 10 s to start) so a failure cannot leak into
 * the next; daemon logs stay in {@code target/replication-it/<test>/}. Each test prints one
 * {@code ReplicationProcessTest:} line of figures.
 */
@Timeout(200)
class ReplicationProcessTest {
    static final List<String> REPLICATED = List.of("--replication-factor=2");
    /** The contract: an in-sync follower leads within 15 s of the leader's death or freeze. */
    static final Duration FAILOVER = Duration.ofSeconds(15);
    static final Duration POLL = Duration.ofMillis(200);
    static final String UNDER_REPLICATED = "nsq_replication_under_replicated_topics";

    /** Logs go to target/ (a failed run's evidence); the directory is emptied first. */
    static Path logDir(String group, TestInfo info) throws IOException {
        Path dir = Path.of("target", group, info.getTestMethod().orElseThrow().getName()).toAbsolutePath();
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        return dir;
    }

    static ReplCluster cluster(TestInfo info, List<String> flags) throws Exception {
        ReplCluster c = new ReplCluster(logDir("replication-it", info), 3, flags, null, null);
        double s = c.start();
        System.out.printf("ReplicationProcessTest: %s: 1 nsqlookupd + 3 nsqd up in %.1f s (%s)%n",
                info.getTestMethod().orElseThrow().getName(), s, c.logs());
        return c;
    }

    /**
     * Creates the topic with {@code replication_factor=2} through nsqd-1 and waits until one node
     * leads it with both replicas in sync, every node that has the topic naming that leader, and
     * lookupd listing the leader alone.
     */
    static Leader createReplicated(ReplCluster c, String topic) throws Exception {
        String answer = c.postText(c.nsqds.get(0), "/topic/create?topic=" + topic + "&replication_factor=2", "");
        assertTrue(answer.startsWith("200"), "POST /topic/create?replication_factor=2 -> " + answer + "; " + c.logs());
        await("a leader of " + topic + " with 2 replicas in sync").atMost(Duration.ofSeconds(30)).pollInterval(POLL).until(() -> {
            Leader l = c.leader(topic);
            return l != null && l.replication().replicas().size() == 2 && Set.copyOf(l.replication().inSync())
                    .equals(Set.copyOf(l.replication().replicas()));
        });
        Leader l = c.leader(topic);
        Replication r = l.replication();
        assertTrue(r.epoch() >= 0, "epoch is a number: " + r);
        assertTrue(r.replicas().contains(l.node().tcpAddr()), "replicas include the leader: " + r);
        assertAgreedLeader(c, topic, l.node());
        await("lookupd lists the leader of " + topic + " alone").atMost(Duration.ofSeconds(30)).pollInterval(POLL)
                .until(() -> c.lookup(topic).equals(List.of(l.node().tcpAddr())));
        return l;
    }

    /** Every live node that has the topic names {@code leader}, and only the leader names itself. */
    static void assertAgreedLeader(ReplCluster c, String topic, Node leader) {
        for (Node n : c.up()) {
            JsonNode t = c.topicStats(n, topic);
            if (t.isMissingNode()) continue;
            Replication r = Replication.of(t.path("replication"));
            assertNotNull(r, n + " has replicated topic " + topic + " without a \"replication\" object: " + t);
            assertEquals(leader.tcpAddr(), r.leader(), n + "'s view of " + topic + ": " + r);
        }
        assertEquals(List.of(leader), c.selfProclaimedLeaders(topic), "exactly one node names itself leader of " + topic);
    }

    /** Waits for a leader other than {@code old}; returns it with the seconds since {@code sinceNanos}. */
    static Leader awaitNewLeader(ReplCluster c, String topic, Leader old, Duration atMost) {
        await("a new leader of " + topic + " (not " + old.node() + ", epoch > " + old.epoch() + ")").atMost(atMost).pollInterval(POLL)
                .until(() -> {
                    Leader l = c.leader(topic);
                    return l != null && l.node() != old.node() && l.epoch() > old.epoch();
                });
        return c.leader(topic);
    }

    static Node otherReplica(ReplCluster c, Leader l) {
        return l.replication().replicas().stream().filter(a -> !a.equals(l.node().tcpAddr())).map(c::node).findFirst()
                .orElseThrow(() -> new AssertionError("no follower in " + l.replication()));
    }

    static Node nonReplica(ReplCluster c, Leader l) {
        return c.nsqds.stream().filter(n -> !l.replication().replicas().contains(n.tcpAddr())).findFirst()
                .orElseThrow(() -> new AssertionError("3 nodes and 2 replicas, yet no node outside " + l.replication()));
    }

    /**
     * Waits until {@code now} still leads and {@code old} follows it, or, when the leader's placement
     * no longer lists {@code old} (the controller replaced it while it was away), until {@code old}
     * holds the topic no more or names {@code now} as leader.
     */
    static void awaitFollowsOrLeft(ReplCluster c, String topic, Node old, Node now, String what, Duration atMost) {
        await(what + " follows " + now + " or, replaced, holds " + topic + " no more").atMost(atMost).pollInterval(POLL).until(() -> {
            Replication r = c.replication(old, topic);
            Leader l = c.leader(topic);
            if (l == null || l.node() != now) return false;
            boolean named = r != null && r.leader().equals(now.tcpAddr()) && r.epoch() >= l.epoch();
            return l.replication().replicas().contains(old.tcpAddr()) ? named : r == null || named;
        });
    }

    /** Each node's view of the topic's channels: depth, in flight, deferred (why a message did not arrive). */
    static String channelViews(ReplCluster c, String topic) {
        StringBuilder b = new StringBuilder();
        for (Node n : c.up()) {
            JsonNode t = c.topicStats(n, topic);
            b.append("; ").append(n).append(' ').append(t.path("replication"));
            b.append(" topic depth ").append(t.path("depth")).append(" count ").append(t.path("message_count"));
            for (JsonNode ch : t.path("channels")) {
                b.append(" channel ").append(ch.path("channel_name").asText()).append(" depth ").append(ch.path("depth"))
                        .append(" in_flight ").append(ch.path("in_flight_count")).append(" deferred ").append(ch.path("deferred_count"))
                        .append(" clients ").append(ch.path("clients").size());
            }
        }
        return b.toString();
    }

    static double secondsSince(long nanos) { return (System.nanoTime() - nanos) / 1e9; }

    static Consumer consumer(ReplCluster c, String topic) {
        Consumer k = new Consumer(topic, "ch", c.lookupdHttpAddr());
        await("the nsq-j consumer connects through lookupd").atMost(Duration.ofSeconds(30)).until(() -> k.connections() >= 1);
        return k;
    }

    static void awaitConsumed(ReplCluster c, String topic, Consumer k, Set<String> acked, Duration atMost) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> k.bodies.containsAll(acked));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Set<String> missing = new HashSet<>(acked);
            missing.removeAll(k.bodies);
            List<String> some = missing.stream().sorted().limit(10).toList();
            fail(missing.size() + " of " + acked.size() + " acknowledged messages never reached the consumer, e.g. " + some
                    + channelViews(c, topic));
        }
    }

    // ---------------------------------------------------------------- a

    @Test
    void killDashNineOfTheLeaderAfterTenThousandPublishesLosesNothing(TestInfo info) throws Exception {
        String topic = "repl_kill";
        try (ReplCluster c = cluster(info, REPLICATED)) {
            Leader l0 = createReplicated(c, topic);
            Node follower = otherReplica(c, l0);
            assertEquals("1 E_SUB_FAILED SUB failed topic " + topic + " is replicated; its leader is " + l0.node().tcpAddr(),
                    subReply(follower, topic, "ch"), "SUB on the follower " + follower);
            assertEquals(0.0, c.metric(l0.node(), UNDER_REPLICATED), "fully in sync: " + UNDER_REPLICATED + " on the leader");
            assertEquals(200, c.post(l0.node(), "/channel/create?topic=" + topic + "&channel=ch", ""));

            // no consumer before the kill: every message must come from the follower's copy, not only
            // those the consumer had not taken yet
            try (Publishes pub = new Publishes(l0.node().tcpAddr(), topic)) {
                long t0 = System.nanoTime();
                int acked = pub.mpub(Publishes.bodies("a", 0, 10_000), 100);
                double publishSeconds = secondsSince(t0);
                assertEquals(10_000, acked, "a healthy replicated topic acknowledges every MPUB: " + pub.summary());

                l0.node().kill();
                long killedAt = System.nanoTime();
                Leader l1 = awaitNewLeader(c, topic, l0, FAILOVER);
                double failover = secondsSince(killedAt);
                assertEquals(l0.epoch() + 1, l1.epoch(), "one failover, one epoch: " + l1.replication());
                assertTrue(l0.replication().inSync().contains(l1.node().tcpAddr()), "the new leader was in sync: " + l0.replication());
                await("lookupd lists the new leader alone").atMost(Duration.ofSeconds(30)).pollInterval(POLL)
                        .until(() -> c.lookup(topic).equals(List.of(l1.node().tcpAddr())));

                try (Consumer k = consumer(c, topic)) {
                    awaitConsumed(c, topic, k, pub.acked, Duration.ofSeconds(90));
                    double allIn = secondsSince(killedAt);
                    System.out.printf("ReplicationProcessTest: a: 10000 messages acked by leader %s in %.1f s (MPUB x100), none "
                                    + "consumed; kill -9; new leader %s epoch %d->%d in %.1f s; a consumer then got all 10000 from it, "
                                    + "%.1f s after the kill; %d deliveries, so %d duplicates%n",
                            l0.node(), publishSeconds, l1.node(), l0.epoch(), l1.epoch(), failover, allIn,
                            k.deliveries.get(), k.deliveries.get() - k.bodies.size());
                }
            }
        }
    }

    // ---------------------------------------------------------------- b

    /**
     * With {@code --replication-min-in-sync=1} the survivor may accept publishes alone once the dead
     * leader left the in-sync set, so messages acknowledged after the failover are tested too
     * (with the default 2 it would refuse them until a second replica is in sync, which is allowed).
     */
    @Test
    void publishingThroughAFollowerWhileTheLeaderIsKilledLosesNoAcknowledgedMessage(TestInfo info) throws Exception {
        String topic = "repl_stream";
        List<String> flags = new ArrayList<>(REPLICATED);
        flags.add("--replication-min-in-sync=1");
        try (ReplCluster c = cluster(info, flags)) {
            Leader l0 = createReplicated(c, topic);
            Node follower = otherReplica(c, l0);
            assertEquals(200, c.post(l0.node(), "/channel/create?topic=" + topic + "&channel=ch", ""));
            try (Consumer k = consumer(c, topic); Publishes pub = new Publishes(follower.tcpAddr(), topic)) {
                long t0 = System.nanoTime();
                long killedAt = 0;
                int ackedBeforeKill = 0, next = 0;
                double firstAckAfterKill = -1;
                while (secondsSince(t0) < 24) {
                    if (killedAt == 0 && secondsSince(t0) >= 6) {
                        ackedBeforeKill = pub.acked.size();
                        l0.node().kill();
                        killedAt = System.nanoTime();
                    }
                    int ok = pub.pub(Publishes.bodies("b", next, 20));
                    next += 20;
                    if (killedAt != 0 && ok > 0 && firstAckAfterKill < 0) firstAckAfterKill = secondsSince(killedAt);
                    if (ok < 20) Thread.sleep(50);
                }
                assertTrue(ackedBeforeKill > 0, "the follower forwarded publishes to the healthy leader: " + pub.summary());
                Leader l1 = awaitNewLeader(c, topic, l0, Duration.ofSeconds(5)); // 18 s after the kill: long elected
                awaitConsumed(c, topic, k, pub.acked, Duration.ofSeconds(90));
                System.out.printf("ReplicationProcessTest: b: PUB through follower %s for 24 s, leader %s killed -9 at 6 s: %s; "
                                + "%d acked before the kill, %d after (first %.1f s after it); new leader %s epoch %d; every acked "
                                + "message consumed (%d deliveries, %d duplicates)%n",
                        follower, l0.node(), pub.summary(), ackedBeforeKill, pub.acked.size() - ackedBeforeKill, firstAckAfterKill,
                        l1.node(), l1.epoch(), k.deliveries.get(), k.deliveries.get() - k.bodies.size());
            }
        }
    }

    // ---------------------------------------------------------------- c

    @Test
    void leaderFrozenPastTheFailureDetectorStepsDownWhenItWakes(TestInfo info) throws Exception {
        String topic = "repl_stop";
        try (ReplCluster c = cluster(info, REPLICATED)) {
            Leader l0 = createReplicated(c, topic);
            Node via = nonReplica(c, l0);
            assertEquals(200, c.post(l0.node(), "/channel/create?topic=" + topic + "&channel=ch", ""));
            try (Consumer k = consumer(c, topic); Publishes pub = new Publishes(via.tcpAddr(), topic)) {
                assertEquals(500, pub.pub(Publishes.bodies("c-pre", 0, 500)), "publishes through " + via + ": " + pub.summary());

                // frozen 12 s while publishing goes on through a node that is not frozen
                l0.node().suspend();
                long stoppedAt = System.nanoTime();
                AtomicBoolean stopPublishing = new AtomicBoolean();
                int[] duringSent = {0};
                Thread publisher = new Thread(() -> {
                    int next = 0;
                    while (!stopPublishing.get()) {
                        if (pub.pub(Publishes.bodies("c-during", next, 10)) < 10) sleep(100);
                        next += 10;
                    }
                    duringSent[0] = next;
                }, "publisher");
                publisher.start();
                Leader l1;
                double failover;
                try {
                    l1 = awaitNewLeader(c, topic, l0, FAILOVER);
                    failover = secondsSince(stoppedAt);
                    long left = 12_000 - (System.nanoTime() - stoppedAt) / 1_000_000;
                    if (left > 0) Thread.sleep(left);
                } finally {
                    stopPublishing.set(true);
                    publisher.join(60_000);
                    l0.node().resume();
                }
                long resumedAt = System.nanoTime();
                int ackedDuring = (int) pub.acked.stream().filter(b -> b.startsWith("c-during")).count();

                // the old leader wakes up as a follower of the new one (or, if the controller replaced it
                // as a replica while it was frozen, without the topic) and lookupd lists the new leader alone
                Node old = l0.node(), now = l1.node();
                awaitFollowsOrLeft(c, topic, old, now, "the woken " + old, Duration.ofSeconds(45));
                double stepDown = secondsSince(resumedAt);
                await("lookupd lists the new leader " + now + " alone").atMost(Duration.ofSeconds(30)).pollInterval(POLL)
                        .until(() -> c.lookup(topic).equals(List.of(now.tcpAddr())));
                assertAgreedLeader(c, topic, c.leader(topic).node());
                assertEquals(now, c.leader(topic).node(), "the new leader still leads");

                // nothing acknowledged is lost, and what is published now is delivered once (no second deliverer)
                int postAcked = pub.pub(Publishes.bodies("c-post", 0, 200));
                awaitConsumed(c, topic, k, pub.acked, Duration.ofSeconds(90));
                Thread.sleep(2_000);
                List<String> twice = k.counts.entrySet().stream().filter(e -> e.getKey().startsWith("c-post") && e.getValue().get() > 1)
                        .map(e -> e.getKey() + "x" + e.getValue().get()).sorted().limit(10).toList();
                assertEquals(List.of(), twice, "messages published after the step-down are delivered once, by the new leader alone");
                System.out.printf("ReplicationProcessTest: c: leader %s SIGSTOPped 12 s: new leader %s epoch %d->%d after %.1f s; "
                                + "publishing through %s during the stop: %d of %d acked; after SIGCONT the old leader followed in %.1f s; "
                                + "%d more acked after; all %d acked consumed (%d deliveries, %d duplicates); totals %s%n",
                        old, now, l0.epoch(), l1.epoch(), failover, via, ackedDuring, duringSent[0], stepDown, postAcked,
                        pub.acked.size(), k.deliveries.get(), k.deliveries.get() - k.bodies.size(), pub.summary());
            }
        }
    }

    // ---------------------------------------------------------------- d

    @Test
    void killedLeaderRestartedOnItsDataRejoinsAsFollower(TestInfo info) throws Exception {
        String topic = "repl_restart";
        try (ReplCluster c = cluster(info, REPLICATED)) {
            Leader l0 = createReplicated(c, topic);
            assertEquals(200, c.post(l0.node(), "/channel/create?topic=" + topic + "&channel=ch", ""));
            try (Consumer k = consumer(c, topic); Publishes pub = new Publishes(l0.node().tcpAddr(), topic)) {
                assertEquals(1_000, pub.mpub(Publishes.bodies("d", 0, 1_000), 50), pub.summary());
                Node old = l0.node();
                old.kill();
                long killedAt = System.nanoTime();
                Leader l1 = awaitNewLeader(c, topic, l0, FAILOVER);
                double failover = secondsSince(killedAt);
                Node now = l1.node();
                // while the old leader is down the gauge agrees with the leader's own view
                await("the " + UNDER_REPLICATED + " gauge of " + now + " agrees with its /stats").atMost(Duration.ofSeconds(15))
                        .pollInterval(POLL).until(() -> {
                            Replication r = c.replication(now, topic);
                            return r != null && c.metric(now, UNDER_REPLICATED) == (r.underReplicated() ? 1.0 : 0.0);
                        });
                Replication whileDown = c.replication(now, topic);

                long restartAt = System.nanoTime();
                old.proc.start(); // same flags: same ports, same data directory
                // it rejoins: a follower of the new leader, in sync again, and the new leader keeps leading
                // (if the leader chose another replica while it was down, the restarted node need not hold the topic at all)
                await(old + " rejoins as a follower of " + now + " and every replica is in sync").atMost(Duration.ofSeconds(60))
                        .pollInterval(POLL).until(() -> {
                            Replication mine = c.replication(old, topic);
                            Leader l = c.leader(topic);
                            if (l == null || l.node() != now || l.replication().underReplicated() || l.replication().replicas().size() != 2)
                                return false;
                            return l.replication().replicas().contains(old.tcpAddr())
                                    ? mine != null && mine.leader().equals(now.tcpAddr())
                                    : mine == null || mine.leader().equals(now.tcpAddr());
                        });
                double rejoin = secondsSince(restartAt);
                // and it stays so: one leader in every node's /stats, one producer in lookupd
                for (int i = 0; i < 5; i++) {
                    assertAgreedLeader(c, topic, now);
                    assertEquals(List.of(now.tcpAddr()), c.lookup(topic), "lookupd lists one producer, the leader");
                    Thread.sleep(1_000);
                }
                assertEquals(0.0, c.metric(now, UNDER_REPLICATED), "all in sync again: " + c.replication(now, topic));
                awaitConsumed(c, topic, k, pub.acked, Duration.ofSeconds(90));
                System.out.printf("ReplicationProcessTest: d: leader %s killed -9 after 1000 acked; %s leads epoch %d after %.1f s "
                                + "(view while down: %s); restarted %s follows and is in sync %.1f s after its restart (%s); one leader "
                                + "everywhere and one producer in lookupd for 5 s; all 1000 consumed (%d duplicates)%n",
                        old, now, l1.epoch(), failover, whileDown, old, rejoin, c.replication(now, topic),
                        k.deliveries.get() - k.bodies.size());
            }
        }
    }

    // ---------------------------------------------------------------- e

    @Test
    void factorOneTopicsAreNsqsOwnWhileAutoCreatedTopicsAreReplicated(TestInfo info) throws Exception {
        String plain = "repl_plain", auto = "repl_auto";
        try (ReplCluster c = cluster(info, REPLICATED)) {
            Node n1 = c.nsqds.get(0), n2 = c.nsqds.get(1);
            for (Node n : List.of(n1, n2)) {
                String created = c.postText(n, "/topic/create?topic=" + plain + "&replication_factor=1", "");
                assertTrue(created.startsWith("200"), "create with replication_factor=1 on " + n + ": " + created);
                String pubbed = c.postText(n, "/pub?topic=" + plain, "from " + n.name);
                assertTrue(pubbed.startsWith("200"), "PUB to " + n + ": " + pubbed);
            }
            for (Node n : List.of(n1, n2)) {
                JsonNode t = c.topicStats(n, plain);
                assertFalse(t.isMissingNode(), n + " has " + plain);
                assertFalse(t.has("replication"), "factor 1: no \"replication\" key on " + n + ": " + t);
                for (String key : List.of("topic_name", "channels", "depth", "backend_depth", "message_count", "message_bytes", "paused",
                        "e2e_processing_latency")) {
                    assertTrue(t.has(key), "NSQ's key " + key + " on " + n + ": " + t);
                }
                assertEquals(1, t.path("message_count").asLong(), n + " holds its own message: " + t);
            }
            // each nsqd registers its own copy, as NSQ: two producers
            await("lookupd lists both nsqd for " + plain).atMost(Duration.ofSeconds(30)).pollInterval(POLL)
                    .until(() -> c.lookup(plain).equals(Stream.of(n1, n2).map(Node::tcpAddr).sorted().toList()));

            // --replication-factor=2: a PUB to a new topic creates it replicated, cluster-wide, led by one node
            String pubbed = c.postText(n2, "/pub?topic=" + auto, "first");
            assertTrue(pubbed.startsWith("200"), "PUB to a new topic on " + n2 + ": " + pubbed);
            await("the auto-created " + auto + " has a leader and 2 replicas").atMost(Duration.ofSeconds(30)).pollInterval(POLL)
                    .until(() -> {
                        Leader l = c.leader(auto);
                        return l != null && l.replication().replicas().size() == 2;
                    });
            Leader l = c.leader(auto);
            assertAgreedLeader(c, auto, l.node());
            await("lookupd lists the leader of " + auto + " alone").atMost(Duration.ofSeconds(30)).pollInterval(POLL)
                    .until(() -> c.lookup(auto).equals(List.of(l.node().tcpAddr())));
            for (Node n : c.nsqds) {
                assertEquals(0.0, c.metric(n, UNDER_REPLICATED), UNDER_REPLICATED + " on " + n + " (a gauge every nsqd exports)");
            }
            System.out.printf("ReplicationProcessTest: e: %s (replication_factor=1) on %s and %s: no \"replication\" key, lookupd lists %s; "
                    + "auto-created %s led by %s (%s), lookupd lists %s%n", plain, n1, n2, c.lookup(plain), auto, l.node(),
                    l.replication(), c.lookup(auto));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Sends {@code SUB topic channel} on a fresh V2 connection: "frameType text" of the first frame. */
    static String subReply(Node n, String topic, String channel) throws IOException {
        try (Socket s = new Socket(n.host, n.tcpPort)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("  V2".getBytes(StandardCharsets.US_ASCII));
            out.write(("SUB " + topic + " " + channel + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int size = in.readInt();
            int type = in.readInt();
            byte[] data = new byte[size - 4];
            in.readFully(data);
            return type + " " + new String(data, StandardCharsets.UTF_8);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
