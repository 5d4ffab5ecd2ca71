package dev.nsq.it.client;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.ConnectionClosedException;
import dev.nsq.client.Producer;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.protocol.NsqError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The producer against a real nsqd: PUB, MPUB, DPUB, pipelining, errors and reconnects. */
class ProducerTest {
    @TempDir
    Path data;
    Nsqd nsqd;
    Producer producer;

    @BeforeEach
    void start() throws Exception {
        nsqd = Local.nsqd(data);
        ClientConfig cfg = new ClientConfig();
        cfg.publishWindow = 8;
        producer = new Producer(Local.tcp(nsqd), cfg);
    }

    @AfterEach
    void stop() throws Exception {
        producer.stop().get(10, TimeUnit.SECONDS);
        Local.sync(nsqd.stop());
    }

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void pubMpubAndDpubAreCountedByNsqd() throws Exception {
        String topic = Local.topic("prod");
        producer.publish(topic, b("one")).get(10, TimeUnit.SECONDS);
        producer.multiPublish(topic, List.of(b("two"), b("three"), b("four"))).get(10, TimeUnit.SECONDS);
        producer.deferredPublish(topic, 10, b("five")).get(10, TimeUnit.SECONDS);
        assertEquals(5, Local.topicMessageCount(nsqd, topic));
    }

    @Test
    void manyPipelinedPublishesAllCompleteAndNeverExceedTheWindow() throws Exception {
        String topic = Local.topic("pipe");
        List<CompletableFuture<Void>> all = new ArrayList<>();
        int maxSeen = 0;
        for (int i = 0; i < 2_000; i++) {
            all.add(producer.publish(topic, b("m" + i)));
            maxSeen = Math.max(maxSeen, producer.inWindow());
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        assertTrue(maxSeen <= 8, "window exceeded: " + maxSeen);
        assertEquals(2_000, Local.topicMessageCount(nsqd, topic));
    }

    @Test
    void aRejectedPublishFailsOnlyItselfAndTheCommandsBehindItInTheWindow() throws Exception {
        String topic = Local.topic("err");
        producer.publish(topic, b("before")).get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> bad = producer.publish("bad!topic", b("x"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
        assertInstanceOf(NsqError.class, e.getCause());
        assertEquals("E_BAD_TOPIC", ((NsqError) e.getCause()).code());
        // the fatal error closed the connection; the next publish reconnects
        producer.publish(topic, b("after")).get(10, TimeUnit.SECONDS);
        assertEquals(2, Local.topicMessageCount(nsqd, topic));
    }

    @Test
    void publishingToAStoppedNsqdFailsAndSucceedsAgainOnceItIsBack() throws Exception {
        String topic = Local.topic("down");
        producer.publish(topic, b("up")).get(10, TimeUnit.SECONDS);
        int port = nsqd.tcpPort();
        Local.sync(nsqd.stop());
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                producer.publish(topic, b("lost")).get(10, TimeUnit.SECONDS);
                return false;
            } catch (ExecutionException ex) {
                return ex.getCause() instanceof ConnectionClosedException;
            }
        });
        nsqd = Local.nsqd(data, o -> o.tcpAddress = "127.0.0.1:" + port);
        producer.publish(topic, b("back")).get(10, TimeUnit.SECONDS);
        assertTrue(Local.topicMessageCount(nsqd, topic) >= 1);
    }
}
