package dev.nsq.it.client;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.Consumer;
import dev.nsq.client.Message;
import dev.nsq.client.Producer;
import dev.nsq.nsqd.Nsqd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The consumer against one real nsqd: delivery, FIN/REQ, max attempts, backoff and a clean stop. */
class ConsumerTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    @TempDir
    Path data;
    Nsqd nsqd;
    Producer producer;
    final List<Consumer> consumers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        nsqd = Local.nsqd(data);
        producer = new Producer(Local.tcp(nsqd), new ClientConfig());
    }

    @AfterEach
    void stop() throws Exception {
        for (Consumer c : consumers) c.stop().get(20, TimeUnit.SECONDS);
        producer.stop().get(10, TimeUnit.SECONDS);
        Local.sync(nsqd.stop());
    }

    private ClientConfig fast() {
        ClientConfig cfg = new ClientConfig();
        cfg.maxInFlight = 10;
        cfg.defaultRequeueDelayMs = 0;
        cfg.backoffMultiplierMs = 10;
        cfg.maxBackoffDurationMs = 40;
        return cfg;
    }

    private Consumer consumer(String topic, ClientConfig cfg) {
        Consumer c = new Consumer(topic, "ch", cfg);
        consumers.add(c);
        return c;
    }

    private void publish(String topic, int n) throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) bodies.add(("m" + i).getBytes(StandardCharsets.UTF_8));
        producer.multiPublish(topic, bodies).get(10, TimeUnit.SECONDS);
    }

    @Test
    void blockingHandlerReceivesEveryMessageOnceAndFinishesIt() throws Exception {
        String topic = Local.topic("cons");
        publish(topic, 200);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger onEventLoop = new AtomicInteger();
        Consumer c = consumer(topic, fast()).handler(m -> {
            if (Thread.currentThread().getName().contains("eventloop")) onEventLoop.incrementAndGet();
            seen.add(new String(m.body(), StandardCharsets.UTF_8));
        });
        c.connectToNsqd(Local.tcp(nsqd)).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> c.stats().finished() == 200);
        assertEquals(200, seen.size());
        assertEquals(0, onEventLoop.get());
        await().atMost(WAIT).until(() -> Local.channelStats(nsqd, topic, "ch").path("in_flight_count").asLong() == 0);
        assertEquals(200, Local.channelStats(nsqd, topic, "ch").path("clients").get(0).path("finish_count").asLong());
    }

    @Test
    void asyncHandlerRunsOnTheEventLoopAndAFailedStageRequeues() throws Exception {
        String topic = Local.topic("async");
        publish(topic, 1);
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        AtomicInteger offLoop = new AtomicInteger();
        Consumer c = consumer(topic, fast()).asyncHandler(m -> {
            if (!Thread.currentThread().getName().contains("eventloop")) offLoop.incrementAndGet();
            attempts.add(m.attempts());
            return m.attempts() == 1 ? CompletableFuture.failedFuture(new RuntimeException("first try fails"))
                    : CompletableFuture.completedFuture(null);
        });
        c.connectToNsqd(Local.tcp(nsqd)).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> c.stats().finished() == 1);
        assertEquals(List.of(1, 2), attempts);
        assertEquals(1, c.stats().requeued());
        assertEquals(0, offLoop.get());
    }

    @Test
    void aMessageBeyondMaxAttemptsGoesToTheGiveUpHookAndIsFinished() throws Exception {
        String topic = Local.topic("attempts");
        publish(topic, 1);
        ClientConfig cfg = fast();
        cfg.maxAttempts = 3;
        AtomicInteger handled = new AtomicInteger();
        List<Message> gaveUp = new CopyOnWriteArrayList<>();
        Consumer c = consumer(topic, cfg).handler(m -> {
            handled.incrementAndGet();
            throw new IllegalStateException("always fails");
        }).onGiveUp(gaveUp::add);
        c.connectToNsqd(Local.tcp(nsqd)).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> gaveUp.size() == 1);
        assertEquals(3, handled.get());
        assertEquals(4, gaveUp.get(0).attempts());
        await().atMost(WAIT).until(() -> c.stats().finished() == 1);
        await().atMost(WAIT).until(() -> Local.channelStats(nsqd, topic, "ch").path("depth").asLong() == 0
                && Local.channelStats(nsqd, topic, "ch").path("in_flight_count").asLong() == 0);
    }

    @Test
    void aFailureBacksOffToRdyZeroThenTestsWithOneAndResumesAfterASuccess() throws Exception {
        String topic = Local.topic("backoff");
        ClientConfig cfg = fast();
        cfg.maxInFlight = 5;
        cfg.backoffMultiplierMs = 1_500; // long enough to see RDY 0 on nsqd
        cfg.maxBackoffDurationMs = 10_000;
        CountDownLatch firstFailed = new CountDownLatch(1);
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        Consumer c = consumer(topic, cfg).handler(m -> {
            attempts.add(m.attempts());
            if (m.attempts() == 1) {
                firstFailed.countDown();
                throw new IllegalStateException("fails once");
            }
        });
        c.connectToNsqd(Local.tcp(nsqd)).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> Local.readyCount(nsqd, topic, "ch") == 5);
        publish(topic, 1);
        assertTrue(firstFailed.await(10, TimeUnit.SECONDS));
        await().atMost(WAIT).until(() -> c.backoffLevel() == 1 && Local.readyCount(nsqd, topic, "ch") == 0);
        // after the pause: RDY 1 lets the requeued message through; its success ends the backoff
        await().atMost(WAIT).until(() -> c.backoffLevel() == 0 && Local.readyCount(nsqd, topic, "ch") == 5);
        assertEquals(List.of(1, 2), attempts);
    }

    @Test
    void stopWaitsForTheMessageInFlightAndFinishesIt() throws Exception {
        String topic = Local.topic("stop");
        publish(topic, 1);
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Consumer c = consumer(topic, fast()).handler(m -> {
            inHandler.countDown();
            assertTrue(release.await(20, TimeUnit.SECONDS));
        });
        c.connectToNsqd(Local.tcp(nsqd)).get(10, TimeUnit.SECONDS);
        assertTrue(inHandler.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> stopped = c.stop();
        // CLS took effect: nsqd sends nothing more, but the consumer is still there for the FIN
        await().atMost(WAIT).until(() -> Local.readyCount(nsqd, topic, "ch") == 0);
        assertFalse(stopped.isDone());
        release.countDown();
        stopped.get(10, TimeUnit.SECONDS);
        assertEquals(1, c.stats().finished());
        await().atMost(WAIT).until(() -> Local.channelStats(nsqd, topic, "ch").path("client_count").asInt() == 0);
        assertEquals(0, Local.channelStats(nsqd, topic, "ch").path("in_flight_count").asLong());
        assertEquals(0, Local.channelStats(nsqd, topic, "ch").path("depth").asLong());
    }

    @Test
    void heartbeatsAreAnsweredSoAnIdleConnectionStaysOpen() throws Exception {
        String topic = Local.topic("hb");
        ClientConfig cfg = fast();
        cfg.heartbeatIntervalMs = 1_000; // nsqd drops a client silent for two intervals
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Consumer c = consumer(topic, cfg).handler(m -> seen.add(new String(m.body(), StandardCharsets.UTF_8)));
        c.connectToNsqd(Local.tcp(nsqd)).get(10, TimeUnit.SECONDS);
        await().during(Duration.ofMillis(3_500)).atMost(WAIT).until(() -> c.stats().connections() == 1
                && Local.channelStats(nsqd, topic, "ch").path("client_count").asInt() == 1);
        publish(topic, 1);
        await().atMost(WAIT).until(() -> seen.contains("m0"));
    }

    @Test
    void touchKeepsAMessageInFlightPastItsTimeout() throws Exception {
        String topic = Local.topic("touch");
        publish(topic, 1);
        ClientConfig cfg = fast();
        cfg.msgTimeoutMs = 1_000;
        List<Message> held = new CopyOnWriteArrayList<>();
        Consumer c = consumer(topic, cfg).handler(m -> {
            m.disableAutoResponse();
            held.add(m);
        });
        c.connectToNsqd(Local.tcp(nsqd)).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> held.size() == 1);
        Message m = held.get(0);
        // touched every 250 ms for three timeouts' worth: never redelivered
        await().pollInterval(Duration.ofMillis(250)).during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> {
            m.touch();
            return held.size() == 1 && Local.channelStats(nsqd, topic, "ch").path("timeout_count").asLong() == 0;
        });
        m.finish();
        await().atMost(WAIT).until(() -> c.stats().finished() == 1
                && Local.channelStats(nsqd, topic, "ch").path("in_flight_count").asLong() == 0);
        assertEquals(1, m.attempts());
    }

    @Test
    void aDirectNsqdThatRestartsIsReconnectedAndResubscribed() throws Exception {
        String topic = Local.topic("reconn");
        ClientConfig cfg = fast();
        cfg.reconnectDelayMs = 200;
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Consumer c = consumer(topic, cfg).handler(m -> seen.add(new String(m.body(), StandardCharsets.UTF_8)));
        c.connectToNsqd(Local.tcp(nsqd)).get(10, TimeUnit.SECONDS);
        publish(topic, 1);
        await().atMost(WAIT).until(() -> seen.contains("m0"));
        int port = nsqd.tcpPort();
        producer.stop().get(10, TimeUnit.SECONDS);
        Local.sync(nsqd.stop());
        await().atMost(WAIT).until(() -> c.stats().connections() == 0);
        nsqd = Local.nsqd(data, o -> o.tcpAddress = "127.0.0.1:" + port);
        producer = new Producer(Local.tcp(nsqd), new ClientConfig());
        await().atMost(WAIT).until(() -> c.stats().connections() == 1 && Local.readyCount(nsqd, topic, "ch") == 10);
        producer.publish(topic, "after".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> seen.contains("after"));
    }
}
