package dev.nsq.it.client;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.Consumer;
import dev.nsq.client.Producer;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqlookupd.Nsqlookupd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** max_in_flight spread as RDY over 1 and 5 real nsqd, re-spread as they come and go, found directly or via lookupd. */
class ConsumerRdyTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    @TempDir
    Path data;
    final List<Nsqd> nodes = new ArrayList<>();
    final List<Consumer> consumers = new ArrayList<>();
    Nsqlookupd lookupd;

    @AfterEach
    void stop() throws Exception {
        for (Consumer c : consumers) c.stop().get(20, TimeUnit.SECONDS);
        for (Nsqd n : nodes) Local.sync(n.stop());
        if (lookupd != null) Local.sync(lookupd.stop());
    }

    private Nsqd node(int i) throws Exception {
        Path dir = data.resolve("n" + i);
        java.nio.file.Files.createDirectories(dir);
        Nsqd n = Local.nsqd(dir, o -> {
            if (lookupd != null) o.lookupdTcpAddresses.add("127.0.0.1:" + lookupd.tcpPort());
        });
        nodes.add(n);
        return n;
    }

    private Consumer consumer(String topic, int maxInFlight, Set<String> seen) {
        ClientConfig cfg = new ClientConfig();
        cfg.maxInFlight = maxInFlight;
        cfg.rdyRedistributeIntervalMs = 50;
        cfg.lookupdPollIntervalMs = 200;
        cfg.reconnectDelayMs = 60_000; // a stopped node stays gone for the test
        Consumer c = new Consumer(topic, "ch", cfg).handler(m -> seen.add(new String(m.body(), StandardCharsets.UTF_8)));
        consumers.add(c);
        return c;
    }

    private static void publish(Nsqd n, String topic, String prefix, int count) throws Exception {
        try (Producer p = new Producer(Local.tcp(n), new ClientConfig())) {
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < count; i++) bodies.add((prefix + i).getBytes(StandardCharsets.UTF_8));
            p.multiPublish(topic, bodies).get(10, TimeUnit.SECONDS);
        }
    }

    private static long[] ready(List<Nsqd> ns, String topic) throws Exception {
        long[] out = new long[ns.size()];
        for (int i = 0; i < ns.size(); i++) out[i] = Local.readyCount(ns.get(i), topic, "ch");
        return out;
    }

    @Test
    void oneNsqdGetsAllOfMaxInFlight() throws Exception {
        String topic = Local.topic("rdy1");
        Nsqd n = node(0);
        Consumer c = consumer(topic, 10, ConcurrentHashMap.newKeySet());
        c.connectToNsqd(Local.tcp(n)).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> Local.readyCount(n, topic, "ch") == 10);
    }

    @Test
    void aBackoffTestSlotMovesOffAnIdleNsqdToTheOneHoldingTheRequeuedMessage() throws Exception {
        String topic = Local.topic("bo2");
        for (int i = 0; i < 2; i++) node(i);
        ClientConfig cfg = new ClientConfig();
        cfg.maxInFlight = 4;
        cfg.rdyRedistributeIntervalMs = 50;
        cfg.defaultRequeueDelayMs = 0;
        cfg.backoffMultiplierMs = 100;
        List<Integer> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
        Consumer c = new Consumer(topic, "ch", cfg).handler(m -> {
            attempts.add(m.attempts());
            if (m.attempts() == 1) throw new IllegalStateException("fails once");
        });
        consumers.add(c);
        // node 0 first in line for the test slot, but only node 1 has a message
        c.connectToNsqd(Local.tcp(nodes.get(0))).get(10, TimeUnit.SECONDS);
        c.connectToNsqd(Local.tcp(nodes.get(1))).get(10, TimeUnit.SECONDS);
        publish(nodes.get(1), topic, "x", 1);
        await().atMost(WAIT).until(() -> attempts.equals(List.of(1, 2)) && c.backoffLevel() == 0
                && java.util.Arrays.equals(ready(nodes, topic), new long[]{2, 2}));
    }

    @Test
    void changingMaxInFlightReSpreadsRdyAtOnce() throws Exception {
        String topic = Local.topic("chg");
        for (int i = 0; i < 2; i++) node(i);
        Consumer c = consumer(topic, 4, ConcurrentHashMap.newKeySet());
        for (Nsqd n : nodes) c.connectToNsqd(Local.tcp(n)).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> java.util.Arrays.equals(ready(nodes, topic), new long[]{2, 2}));
        c.changeMaxInFlight(9);
        await().atMost(WAIT).until(() -> java.util.Arrays.stream(ready(nodes, topic)).sorted().boxed().toList().equals(List.of(4L, 5L)));
        c.changeMaxInFlight(0);
        await().atMost(WAIT).until(() -> java.util.Arrays.equals(ready(nodes, topic), new long[]{0, 0}));
    }

    @Test
    void fiveNsqdShareMaxInFlightAndTheSurvivorsTakeOverAStoppedOnesShare() throws Exception {
        String topic = Local.topic("rdy5");
        for (int i = 0; i < 5; i++) node(i);
        Consumer c = consumer(topic, 12, ConcurrentHashMap.newKeySet());
        for (Nsqd n : nodes) c.connectToNsqd(Local.tcp(n)).get(10, TimeUnit.SECONDS);
        // 12 over 5: 3,3,2,2,2
        await().atMost(WAIT).until(() -> java.util.Arrays.stream(ready(nodes, topic)).sum() == 12
                && java.util.Arrays.stream(ready(nodes, topic)).allMatch(r -> r == 2 || r == 3));
        Nsqd gone = nodes.remove(0);
        Local.sync(gone.stop());
        // 12 over 4: 3 each
        await().atMost(WAIT).until(() -> java.util.Arrays.equals(ready(nodes, topic), new long[]{3, 3, 3, 3}));
        assertEquals(4, c.stats().connections());
    }

    @Test
    void fewerInFlightThanNsqdRotatesRdySoEveryNodeIsDrained() throws Exception {
        String topic = Local.topic("rot");
        for (int i = 0; i < 5; i++) node(i);
        for (int i = 0; i < 5; i++) publish(nodes.get(i), topic, "n" + i + "-", 20);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Consumer c = consumer(topic, 2, seen);
        for (Nsqd n : nodes) c.connectToNsqd(Local.tcp(n)).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> java.util.Arrays.stream(ready(nodes, topic)).sum() <= 2 && seen.size() == 100);
    }

    @Test
    void lookupdDiscoversEveryProducerIncludingOneThatAppearsLater() throws Exception {
        lookupd = Local.lookupd();
        String topic = Local.topic("lkp");
        node(0);
        node(1);
        publish(nodes.get(0), topic, "a", 10);
        publish(nodes.get(1), topic, "b", 10);
        await().atMost(WAIT).until(() -> Local.getJson(lookupd.httpPort(), "/lookup?topic=" + topic).path("producers").size() == 2);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Consumer c = consumer(topic, 10, seen);
        c.connectToLookupd("127.0.0.1:" + lookupd.httpPort()).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> seen.size() == 20);
        Nsqd late = node(2);
        publish(late, topic, "c", 10);
        await().atMost(WAIT).until(() -> seen.size() == 30 && c.stats().connections() == 3);
        await().atMost(WAIT).until(() -> java.util.Arrays.stream(ready(nodes, topic)).sum() == 10);
    }
}
